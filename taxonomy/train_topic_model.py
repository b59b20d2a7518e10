#!/usr/bin/env python3
"""Train the tagger's learned topic signal: taxonomy/topic_model.tsv.

Usage: python3 taxonomy/train_topic_model.py [--out taxonomy/topic_model.tsv]
                                             [--report taxonomy/topic_model.md]

The taxonomy's term lists find a topic when a paragraph uses its words ("takeover",
"profit"); a paragraph that is about banking in other words ("loans", "lending",
"creditors") is missed. This model reads every word: one logistic regression per topic
over the words and word pairs of a paragraph, trained on hand labels, the training set of
bench/holdout (train.jsonl: 360 paragraphs drawn like dev's from articles that are in no
evaluation set, annotated under ../shared/eval/tagging/GUIDELINES.md). The tagger adds a
topic the model gives at least the threshold to the topics its term lists found.

Features, computed the same way by src/tag/topic_model.rs (keep the two in step): the
distinct words of the paragraph and the distinct pairs of neighbouring words ("interest
rates"), lower case. A word is a run of letters and digits (Python's `[^\\W_]+`, Rust's
`char::is_alphanumeric`). Features seen in fewer than MIN_DOCUMENTS training paragraphs
are dropped: they would only memorise.

The threshold is the one with the best micro F1 of the tagger's topics (the term lists'
topics, from `dossier tag` with --bin, plus the model's) over five-fold cross-validation
on the training set, so no evaluation paragraph chose it. Standard library only, deterministic
(fixed seed, sorted inputs). The report lists the cross-validated figures per topic.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
import tomllib
from collections import Counter

sys.dont_write_bytecode = True  # keep the repo free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench", "holdout"))
import holdout as H  # noqa: E402

TRAIN = os.path.join(ROOT, "bench", "holdout", "train.jsonl")
TAXONOMY = os.path.join(HERE, "default.toml")
SEED = 20261202
MIN_DOCUMENTS = 3
EPOCHS = 10
LEARNING_RATE = 0.2
L2 = 0.01
FOLDS = 5
THRESHOLDS = [t / 100 for t in range(5, 91, 5)]

WORD = re.compile(r"[^\W_]+")


def features(text):
    words = WORD.findall(text.lower())
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return found


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def train_topic(examples, labels, size):
    """Logistic regression by stochastic gradient descent (shuffled with a fixed seed, a
    step that shrinks by epoch, L2 on the weights a step touches); examples are lists of
    feature ids below `size`, labels 0/1. Returns (bias, weights by id)."""
    weights = [0.0] * size
    bias = 0.0
    order = list(range(len(examples)))
    rng = random.Random(SEED)
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        step = LEARNING_RATE / (1 + epoch)
        for i in order:
            x = examples[i]
            err = sigmoid(bias + sum(weights[f] for f in x)) - labels[i]
            bias -= step * err
            for f in x:
                weights[f] -= step * (err + L2 * weights[f])
    return bias, weights


def probability(model, feats):
    bias, weights = model
    return sigmoid(bias + sum(weights.get(f, 0.0) for f in feats))


def load(path, topics):
    records = H.load_jsonl(path)
    data = []
    for r in records:
        for t in r["topics"]:
            if t not in topics:
                H.die(f"{r['id']}: topic {t!r} is not in the taxonomy")
        data.append((r["id"], H.rebuild(r), set(r["topics"])))
    return data


def vocabulary(texts):
    seen = Counter()
    for feats in texts:
        seen.update(feats)
    return {f for f, c in seen.items() if c >= MIN_DOCUMENTS}


def fit(data, topics):
    """One model per topic with a label: {topic: (bias, {feature: weight})}."""
    vocab = sorted(vocabulary(features(text) for _, text, _ in data))
    ids = {f: i for i, f in enumerate(vocab)}
    examples = [sorted(ids[f] for f in features(text) if f in ids) for _, text, _ in data]
    models = {}
    for t in topics:
        labels = [1 if t in gold else 0 for _, _, gold in data]
        if sum(labels) == 0:
            continue
        bias, weights = train_topic(examples, labels, len(vocab))
        # Four decimals, as the shipped table writes them.
        models[t] = (round(bias, 4), {vocab[i]: round(w, 4) for i, w in enumerate(weights)})
    return models


def cross_validate(data, topics):
    """Out-of-fold probabilities for every paragraph and topic."""
    order = list(range(len(data)))
    random.Random(SEED).shuffle(order)
    folds = [order[i::FOLDS] for i in range(FOLDS)]
    probs = [None] * len(data)
    for fold in folds:
        held = set(fold)
        models = fit([d for i, d in enumerate(data) if i not in held], topics)
        for i in fold:
            feats = features(data[i][1])
            probs[i] = {t: probability(m, feats) for t, m in models.items()}
    return probs


def rule_topics(binary, data):
    """The topics the term lists give each paragraph: `dossier tag`'s topics less those
    only the learned model found (their evidence carries "learned")."""
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found; build it with `cargo build --release` or pass --bin")

    def one(text):
        out = subprocess.run([binary, "tag", "-", "--whole", "--json"], input=text,
                             capture_output=True, text=True, check=True)
        tagged = json.loads(out.stdout.splitlines()[0])
        learned = {e["tag"] for e in tagged["evidence"] if "learned" in e}
        return set(tagged["topics"]) - learned

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        return list(pool.map(one, (text for _, text, _ in data)))


def scores(data, probs, threshold, topic=None, rules=None):
    tp = fp = fn = 0
    for i, ((_, _, gold), p) in enumerate(zip(data, probs)):
        predicted = {t for t, v in p.items() if v >= threshold}
        if rules is not None:
            predicted |= rules[i]
        if topic is not None:
            predicted &= {topic}
            gold = gold & {topic}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=TRAIN, help="annotated pointers to train on")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "dossier"),
                    help="dossier binary whose term lists the model adds to")
    ap.add_argument("--out", default=os.path.join(HERE, "topic_model.tsv"))
    ap.add_argument("--report", default=os.path.join(HERE, "topic_model.md"))
    a = ap.parse_args()
    with open(TAXONOMY, "rb") as f:
        topics = [t["name"] for t in tomllib.load(f)["topic"]]
    data = load(a.train, set(topics))
    probs = cross_validate(data, topics)
    rules = rule_topics(a.bin, data)
    alone = scores(data, [{} for _ in data], 1.0, rules=rules)
    sweep = [(th, *scores(data, probs, th, rules=rules)) for th in THRESHOLDS]
    threshold = max(sweep, key=lambda row: (row[3], row[0]))[0]
    models = fit(data, topics)

    trained = [t for t in topics if t in models]
    vocab = sorted({f for t in trained for f in models[t][1]})
    out = ["# The tagger's learned topic signal. GENERATED by taxonomy/train_topic_model.py",
           "# from bench/holdout/train.jsonl and taxonomy/default.toml; its report is",
           "# taxonomy/topic_model.md. Re-run the script instead of editing this file.",
           "# Tab-separated: one row of weights per word or word pair, one column per topic.",
           f"threshold\t{threshold:.2f}",
           "topics\t" + "\t".join(trained),
           "bias\t" + "\t".join(number(models[t][0]) for t in trained)]
    for f in vocab:
        out.append(f + "\t" + "\t".join(number(models[t][1].get(f, 0.0)) for t in trained))
    kept = len(vocab) * len(trained)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")

    counts = Counter(t for _, _, gold in data for t in gold)
    report = ["# Training report of taxonomy/topic_model.tsv", "",
              "Made by `python3 taxonomy/train_topic_model.py` (its docstring says how).", "",
              f"{len(data)} paragraphs, {sum(counts.values())} topic labels, "
              f"{len(models)} topics with a model, {len(vocab)} words and word pairs "
              f"(seen in {MIN_DOCUMENTS} paragraphs or more), {kept} weights.", "",
              f"Five-fold cross-validation on the training set, by threshold: the term "
              f"lists' topics and the model's together (the term lists alone: precision "
              f"{alone[0]:.3f}, recall {alone[1]:.3f}, F1 {alone[2]:.3f}):", "",
              "| threshold | precision | recall | F1 |", "|---:|---:|---:|---:|"]
    for th, p, r, f1 in sweep:
        mark = " (used)" if th == threshold else ""
        report.append(f"| {th:.2f}{mark} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    report += ["", f"Per topic at threshold {threshold:.2f}, term lists and model together:", "",
               "| topic | labels | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
    for t in topics:
        p, r, f1 = scores(data, probs, threshold, t, rules=rules)
        report.append(f"| {t} | {counts[t]} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    report += ["", "Strongest words per topic:", ""]
    for t in topics:
        if t in models:
            top = sorted(models[t][1].items(), key=lambda kv: -kv[1])[:8]
            report.append(f"- {t}: " + ", ".join(f"`{f}` {w:+.2f}" for f, w in top))
    with open(a.report, "w", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report[6:6 + 4 + len(sweep)]))
    print(f"wrote {a.out} and {a.report}")


def number(x):
    """A weight as the table writes it: four decimals, and 0 for none."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


if __name__ == "__main__":
    main()
