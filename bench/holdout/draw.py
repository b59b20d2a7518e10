#!/usr/bin/env python3
"""Draw the tagging holdout: 240 paragraphs -> pointers.jsonl (no text).

Usage: python3 bench/holdout/draw.py [--check] [--report]

Reproducible: fixed seed, sorted file listing, standard library only. Running it twice
gives a byte-identical pointers.jsonl. --check rebuilds in memory and compares with the
file on disk instead of writing it. --report prints the strata (dev counts, quotas, pool
sizes) without writing anything.

The draw copies how dev.jsonl's randomly sampled `p` paragraphs were drawn (evidence in
README.md, "How dev's p paragraphs were drawn"):
- Sources: ../shared/corpora/bbc-news/articles and ../shared/corpora/reuters21578/articles
  (Reuters: NORM articles only, per labels.tsv; all 58 Reuters p ids are NORM).
- Strata: BBC by category folder; Reuters by labels.tsv TOPICS, first match of
  acq > earn > crude > trade, else other-topic (any other TOPICS label), else no-topic.
  Dev's p ids come in blocks in exactly this order, which is how the strata were found.
- Quotas: 120 per half, split between BBC and Reuters in dev's p ratio (112:58 -> 79:41),
  then within each corpus over its strata in proportion to dev's p counts (largest
  remainder, ties in STRATA order); tune and holdout hold the same strata; 240 in all.
- Length filter: a paragraph is eligible only if it has at least as many characters and
  whitespace-separated words as the shortest dev p paragraph (computed from dev.jsonl:
  63 characters, 12 words).
- Two-stage draw, like dev: within a stratum every eligible *file* is equally likely
  (shuffle the files), then one eligible paragraph of that file is chosen uniformly.
  So at most one paragraph per file.
- Excluded: every file named in dev.jsonl or seed.jsonl, any file byte-identical to one
  of them or to a file already drawn, and any paragraph whose text equals a dev/seed
  paragraph or an already drawn one.
- Split: within each stratum the first half of the drawn files goes to tune, the rest to
  holdout; each half is shuffled and numbered t001.. / x001...
"""
import argparse
import csv
import hashlib
import json
import os
import random
import sys

sys.dont_write_bytecode = True  # keep the repo free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import holdout as H

SEED = 20240611
HALF = 120                                  # per split; TOTAL = 2 * HALF
DEV = os.path.join(H.SHARED, "eval", "tagging", "dev.jsonl")
SEEDFILE = os.path.join(H.SHARED, "eval", "tagging", "seed.jsonl")
OUT = os.path.join(H.HERE, "pointers.jsonl")
CORPORA = ("bbc-news", "reuters21578")
BBC_CATS = ("business", "tech", "entertainment", "politics", "sport")
REUTERS_FIRST = ("acq", "earn", "crude", "trade")   # priority order, as dev's id blocks
STRATA = tuple(("bbc-news", c) for c in BBC_CATS) + tuple(
    ("reuters21578", s) for s in REUTERS_FIRST + ("other-topic", "no-topic"))


def file_digest(path):
    with open(os.path.join(H.SHARED, path), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def reuters_labels():
    path = os.path.join(H.SHARED, "corpora", "reuters21578", "labels.tsv")
    with open(path, encoding="utf-8", newline="") as f:
        return {"corpora/reuters21578/articles/" + r["file"]: r
                for r in csv.DictReader(f, delimiter="\t")}


def reuters_stratum(topics):
    labels = {t for t in topics.split(",") if t}
    for t in REUTERS_FIRST:
        if t in labels:
            return t
    return "other-topic" if labels else "no-topic"


def stratum_of(corpus, path, labels):
    if corpus == "bbc-news":
        return path.split("/")[3]           # corpora/bbc-news/articles/<category>/NNN.txt
    return reuters_stratum(labels[path]["topics"])


def list_files(corpus, labels):
    root = os.path.join(H.SHARED, "corpora", corpus, "articles")
    files = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            if n.endswith(".txt"):
                files.append(os.path.relpath(os.path.join(d, n), H.SHARED).replace(os.sep, "/"))
    files.sort()
    if corpus == "reuters21578":
        files = [p for p in files if labels[p]["text_type"] == "NORM"]
    return files


def dev_profile(dev, labels):
    """Counts of dev's p ids per stratum, and the shortest p paragraph (chars, words)."""
    p = [r for r in dev if r["id"].startswith("p")]
    counts = {s: 0 for s in STRATA}
    for r in p:
        counts[(r["corpus"], stratum_of(r["corpus"], r["path"], labels))] += 1
    min_chars = min(len(r["text"]) for r in p)
    min_words = min(len(r["text"].split()) for r in p)
    return counts, min_chars, min_words


def largest_remainder(n, weights):
    """Split n proportionally to weights (dict, insertion-ordered) by largest remainder;
    integer arithmetic, ties go to the earlier key."""
    keys = list(weights)
    total = sum(weights.values())
    base = {k: weights[k] * n // total for k in keys}
    rem = {k: weights[k] * n % total for k in keys}
    for k in sorted(keys, key=lambda k: (-rem[k], keys.index(k)))[:n - sum(base.values())]:
        base[k] += 1
    return base


def half_quotas(counts):
    """Quotas per half: HALF is first split between the corpora in dev's BBC/Reuters ratio,
    then each corpus's share over its strata, both proportional to dev's p counts."""
    per_corpus = largest_remainder(
        HALF, {c: sum(n for s, n in counts.items() if s[0] == c) for c in CORPORA})
    quota = {}
    for c in CORPORA:
        quota.update(largest_remainder(per_corpus[c], {s: counts[s] for s in STRATA if s[0] == c}))
    return quota


def build(report=False):
    dev = H.load_jsonl(DEV)
    seed = H.load_jsonl(SEEDFILE)
    labels = reuters_labels()
    counts, min_chars, min_words = dev_profile(dev, labels)
    quota = half_quotas(counts)
    excluded_paths = {r["path"] for r in dev + seed}
    used_digests = {file_digest(p) for p in excluded_paths
                    if os.path.exists(os.path.join(H.SHARED, p))}
    used_texts = {r["text"] for r in dev + seed}

    def eligible(text):
        return len(text) >= min_chars and len(text.split()) >= min_words

    by_stratum = {s: [] for s in STRATA}
    for corpus in CORPORA:
        for path in list_files(corpus, labels):
            by_stratum[(corpus, stratum_of(corpus, path, labels))].append(path)

    rng = random.Random(SEED)
    halves = {"tune": [], "holdout": []}
    rows_report = []
    for s in STRATA:
        corpus = s[0]
        files = list(by_stratum[s])
        rng.shuffle(files)
        want = 2 * quota[s]
        out = []
        for path in files:
            if len(out) == want:
                break
            if path in excluded_paths:
                continue
            digest = file_digest(path)
            if digest in used_digests:
                continue
            units = [(line, text) for line, text in H.paragraphs(corpus, path)
                     if eligible(text) and text not in used_texts]
            if not units:
                continue
            line, text = rng.choice(units)
            used_digests.add(digest)
            used_texts.add(text)
            out.append({"corpus": corpus, "path": path, "line": line, "sha256": H.sha256(text)})
        if len(out) < want:
            H.die(f"stratum {s}: only {len(out)} eligible files, {want} wanted")
        halves["tune"].extend(out[:quota[s]])
        halves["holdout"].extend(out[quota[s]:])
        if report:
            rows_report.append((s, counts[s], quota[s], len(files)))
    if report:
        print(f"length filter: >= {min_chars} characters and >= {min_words} words (dev p minimum)")
        print(f"{'stratum':32} {'dev p':>5} {'per half':>8} {'files':>6}")
        for s, c, q, n in rows_report:
            print(f"{s[0] + '/' + s[1]:32} {c:5} {q:8} {n:6}")
        print(f"{'total':32} {sum(counts.values()):5} {sum(quota.values()):8}")
    rows = []
    for split, prefix in (("tune", "t"), ("holdout", "x")):
        half = halves[split]
        rng.shuffle(half)
        for i, r in enumerate(half, start=1):
            rows.append({"id": f"{prefix}{i:03d}", "split": split, **r})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with pointers.jsonl, do not write")
    ap.add_argument("--report", action="store_true", help="print the strata, do not write")
    a = ap.parse_args()
    rows = build(report=a.report)
    if a.report:
        return
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if a.check:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == text
        print("pointers.jsonl is reproducible" if same else "pointers.jsonl DIFFERS from a fresh draw")
        sys.exit(0 if same else 1)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}: {text.count(chr(10))} pointers")


if __name__ == "__main__":
    main()
