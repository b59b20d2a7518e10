#!/usr/bin/env python3
"""Train the tagger's learned signal for names no list knows: taxonomy/name_model.toml.

Usage: python3 taxonomy/train_name_model.py [--shared ../shared] [--out taxonomy/name_model.toml]
                                            [--report taxonomy/name_model.md]

A logistic regression over the context of a capitalised name ("... said <Name> would ...",
"shares of <Name>", "<Name>'s chairman") says how likely the name is a company. It is
trained by distant supervision on ../shared/corpora, with no hand labels:
- positives: names the text marks as companies, by a legal form after them ("Contel Corp")
  or a wire ticker ("Iniziativa Meta <INZI.MI>"), and the taxonomy's companies of two words
  or more, wherever they appear;
- negatives: the taxonomy's places, the lexicon's institutions and institution words,
  calendar words, and people: a name after a personal title ("Mr Roper") or before a
  person's role (", chairman of").
The mark that gave a label is left out of the example's features (the legal form, the
title, the role), so the model learns the rest of the context, which unmarked names share.

Features, computed the same way by src/tag/model.rs (keep the two in step):
  p1=WORD    the word before the name, lower case ("^" at a sentence start)
  p2=W2_W1   the two words before
  n1=WORD    the word after (after the mark, for a marked name; "$" at the end)
  n2=W1_W2   the two words after
  after=C    the first character after the name: one of , . ' ( ) : ; " or w (a word)
  len=N      the name's number of words (1 to 4)
  last=WORD  the name's last word, lower case
  first=WORD the first word of a name of two words or more, lower case ("steve")
  caps       every word of the name in capitals
Words are runs of letters, digits, "_", "&", "-" and apostrophes; a name is a run of one to
four capitalised words separated by single spaces, personal titles ("Mr") left out, not
inside a paragraph written mostly in capitals.

Standard library only, deterministic (fixed seed, sorted inputs). Prints and writes a
training report with held-out precision and recall (every tenth document is held out).
"""
import argparse
import json
import math
import os
import random
import re
import sys
import tomllib
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

MAX_NAME_WORDS = 4
# A feature seen fewer times than this in training is dropped: it would only memorise.
MIN_FEATURE_COUNT = 5
EPOCHS = 6
LEARNING_RATE = 0.05
L2 = 1e-5
# The probability below which the tagger drops a name that only a weak rule found (its
# neighbours in a list of companies).
THRESHOLD = 0.15
# Weights kept in the shipped file, largest first; the rest are too small to matter.
MAX_WEIGHTS = 4000

WORD = re.compile(r"[\w&'\u2019-]+")
TICKER = re.compile(r"\s*<[A-Z0-9.\-]{1,10}>")


def words_of(text):
    """(word, start, end) for each word of the text."""
    return [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def is_capitalised(word):
    return word[:1].isupper()


def is_shouted(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 20 and sum(c.isupper() for c in letters) * 2 > len(letters)


def sentence_start(text, start):
    before = text[:start].rstrip(" \t\"\u201c(")
    return not before or before[-1] in ".!?:\n|"


def name_runs(text, words, titles):
    """Runs of capitalised words joined by single spaces: (first index, last index). A
    personal title ("Mr") is no part of a name."""
    runs = []
    i = 0
    while i < len(words):
        if not is_capitalised(words[i][0]) or words[i][0] in titles:
            i += 1
            continue
        j = i
        while (j + 1 < len(words) and j - i + 1 < MAX_NAME_WORDS
               and is_capitalised(words[j + 1][0]) and words[j + 1][0] not in titles
               and text[words[j][2]:words[j + 1][1]] == " "):
            j += 1
        runs.append((i, j))
        i = j + 1
    return runs


def after_char(text, end):
    rest = text[end:].lstrip(" ")
    if not rest:
        return "$"
    c = rest[0]
    if c in ",.'()\":;\u2019":
        return "'" if c == "\u2019" else c
    return "w"


def features(text, words, first, last, next_index, after_end, drop_before=False,
             drop_after=False):
    """The features of the name words[first..=last]; its context after starts at word
    next_index, and the character after it at byte after_end."""
    name = [w for w, _, _ in words[first:last + 1]]
    out = ["len=%d" % len(name), "last=" + name[-1].lower()]
    if len(name) > 1:
        out.append("first=" + name[0].lower())
    if all(w.upper() == w for w in name):
        out.append("caps")
    if not drop_before:
        start = words[first][1]
        if sentence_start(text, start) or first == 0:
            out.append("p1=^")
        else:
            p1 = words[first - 1][0].lower()
            out.append("p1=" + p1)
            p2 = words[first - 2][0].lower() if first >= 2 else "^"
            out.append("p2=%s_%s" % (p2, p1))
    if not drop_after:
        out.append("after=" + after_char(text, after_end))
        n1 = words[next_index][0].lower() if next_index < len(words) else "$"
        n2 = words[next_index + 1][0].lower() if next_index + 1 < len(words) else "$"
        out.append("n1=" + n1)
        out.append("n2=%s_%s" % (n1, n2))
    return out


class Labeller:
    def __init__(self, taxonomy, lexicon):
        self.suffixes = set(taxonomy["legal_suffixes"])
        self.places = set(taxonomy["places"])
        self.companies = set()
        for c in taxonomy["company"]:
            if c.get("common_word"):
                continue
            for n in [c["name"]] + c.get("aliases", []):
                if len(n.split()) >= 2:
                    self.companies.add(n.lower())
        self.institutions = {n.lower() for n in lexicon["institutions"]}
        self.institution_words = set(lexicon["institution_words"]) | set(
            lexicon["not_business_words"])
        self.calendar = set(lexicon["calendar_words"])
        self.titles = set(lexicon["personal_titles"])
        self.roles = set(lexicon["person_roles"])

    def examples(self, text):
        """(features, label) for each labelled name of a paragraph."""
        if is_shouted(text):
            return
        words = words_of(text)
        for first, last in name_runs(text, words, self.titles):
            name_words = [w for w, _, _ in words[first:last + 1]]
            name = " ".join(name_words)
            end = words[last][2]
            nxt = last + 1
            label = None
            drop_before = drop_after = False
            after_end = end
            # "Contel Corp", "Contel, Inc": a legal form marks a company.
            if name_words[-1] in self.suffixes and len(name_words) > 1:
                name_words = name_words[:-1]
                last -= 1
                label = 1
            elif (nxt < len(words) and words[nxt][0] in self.suffixes
                  and text[end:words[nxt][1]] in (" ", ", ")):
                after_end = words[nxt][2]
                nxt += 1
                label = 1
            else:
                ticker = TICKER.match(text, end)
                if ticker:
                    after_end = ticker.end()
                    while nxt < len(words) and words[nxt][1] < after_end:
                        nxt += 1
                    label = 1
            name = " ".join(name_words)
            lower = name.lower()
            if label is None:
                before = words[first - 1][0] if first else ""
                after = text[end:end + 40]
                role = re.match(r", (?:the |a |its )?(\w+)", after)
                if lower in self.companies:
                    label = 1
                elif (lower in self.places or lower in self.institutions
                      or any(w in self.institution_words for w in name_words)
                      or any(w in self.calendar for w in name_words)):
                    label = 0
                elif before in self.titles:
                    label, drop_before = 0, True
                elif role and role.group(1) in self.roles and len(name_words) >= 2:
                    label, drop_after = 0, True
            if label is None:
                continue
            yield features(text, words, first, last, nxt, after_end, drop_before,
                           drop_after), label


def paragraphs(shared):
    root = os.path.join(shared, "corpora")
    docs = []
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".txt"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                docs.append([p.replace("\n", " ") for p in re.split(r"\n\s*\n|\n(?=\s)", text)
                             if p.strip()])
    return docs


def sigmoid(x):
    return 1 / (1 + math.exp(-max(-30, min(30, x))))


def train(examples):
    counts = Counter(f for feats, _ in examples for f in feats)
    kept = {f for f, n in counts.items() if n >= MIN_FEATURE_COUNT}
    data = [([f for f in feats if f in kept], y) for feats, y in examples]
    positives = sum(y for _, y in data)
    # Balanced classes: each class weighs as much in the loss.
    weight = {1: len(data) / (2 * positives), 0: len(data) / (2 * (len(data) - positives))}
    w = {}
    bias = 0.0
    rng = random.Random(19)
    for epoch in range(EPOCHS):
        rng.shuffle(data)
        rate = LEARNING_RATE / (1 + epoch)
        for feats, y in data:
            p = sigmoid(bias + sum(w.get(f, 0.0) for f in feats))
            g = (p - y) * weight[y]
            bias -= rate * g
            for f in feats:
                w[f] = w.get(f, 0.0) * (1 - rate * L2) - rate * g
    return bias, w


def score(bias, w, feats):
    return sigmoid(bias + sum(w.get(f, 0.0) for f in feats))


def toml_key(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(HERE, "name_model.toml"))
    ap.add_argument("--report", default=os.path.join(HERE, "name_model.md"))
    a = ap.parse_args()
    with open(os.path.join(HERE, "default.toml"), "rb") as f:
        taxonomy = tomllib.load(f)
    with open(os.path.join(HERE, "lexicon.toml"), "rb") as f:
        lexicon = {name: table["words"] for name, table in tomllib.load(f).items()}
    labeller = Labeller(taxonomy, lexicon)
    train_set, held_out = [], []
    for i, doc in enumerate(paragraphs(a.shared)):
        target = held_out if i % 10 == 9 else train_set
        for text in doc:
            target.extend(labeller.examples(text))
    bias, w = train(train_set)
    kept = sorted(w.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:MAX_WEIGHTS]
    w = dict(kept)

    lines = ["# Training report of taxonomy/name_model.toml", "",
             "Made by `python3 taxonomy/train_name_model.py` (see its docstring for the labels "
             "and features).", "",
             "| set | names | companies | others |", "|---|---:|---:|---:|"]
    for label, data in (("train", train_set), ("held out (every 10th document)", held_out)):
        pos = sum(y for _, y in data)
        lines.append(f"| {label} | {len(data)} | {pos} | {len(data) - pos} |")
    lines += ["", "Held-out distant labels, by threshold:", "",
              "| threshold | precision | recall |", "|---:|---:|---:|"]
    scored = [(score(bias, w, feats), y) for feats, y in held_out]
    for t in (0.5, 0.7, 0.8, 0.9, 0.95):
        tp = sum(1 for p, y in scored if p >= t and y == 1)
        fp = sum(1 for p, y in scored if p >= t and y == 0)
        fn = sum(1 for p, y in scored if p < t and y == 1)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        lines.append(f"| {t:.2f} | {prec:.3f} | {rec:.3f} |")
    lines += ["", f"The tagger uses threshold {THRESHOLD}. {len(w)} weights are kept "
              f"(features seen at least {MIN_FEATURE_COUNT} times, largest first).", "",
              "Strongest features:", ""]
    for f, v in kept[:30]:
        lines.append(f"- `{f}` {v:+.2f}")
    report = "\n".join(lines) + "\n"
    with open(a.report, "w", encoding="utf-8") as f:
        f.write(report)
    out = ["# The tagger's learned signal for names no list knows. GENERATED by",
           "# taxonomy/train_name_model.py from ../shared/corpora, taxonomy/default.toml and",
           "# taxonomy/lexicon.toml; its report is taxonomy/name_model.md. Re-run the script",
           "# instead of editing this file.", "",
           f"bias = {bias:.6f}",
           f"threshold = {THRESHOLD}", "", "[weights]"]
    for f, v in sorted(w.items()):
        out.append(f"{toml_key(f)} = {v:.6f}")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(report, file=sys.stderr)


if __name__ == "__main__":
    main()
