#!/usr/bin/env python3
"""Draw the tagger's training set: 1,800 paragraphs -> train_pointers.jsonl (no text).

Usage: python3 bench/holdout/draw_train.py [--check]

The learned topic model (taxonomy/train_topic_model.py) needs paragraphs annotated under
GUIDELINES.md that are neither dev nor tune nor holdout. This draw is `draw.py`'s, with its
strata, quotas (three halves' worth), length filter and two-stage file-then-paragraph
choice, and a seed of its own. It excludes every file named in dev.jsonl, seed.jsonl and
pointers.jsonl (tune and holdout), files byte-identical to those, and equal texts, so no
paragraph of an evaluation set, nor another paragraph of its article, is ever trained on.
Ids are r001..r360 for the first batch, drawn exactly so (one paragraph per article).
The second batch, r0361..r1800, is larger than the corpora's articles allow at one
paragraph each (BBC business has 510 files), so it takes up to MORE_PER_FILE paragraphs of
an article, from articles of no earlier set; a model learns from them as well, and no
evaluation set is drawn from it. Reproducible: --check re-draws and compares with the
file on disk.
"""
import argparse
import json
import os
import random
import sys

sys.dont_write_bytecode = True  # keep the repo free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import draw as D
import holdout as H

SEED = 20261202
HALVES = 3                                   # first batch: 3 x 120 paragraphs
MORE_HALVES = 12                             # second batch: 12 x 120 paragraphs
MORE_PER_FILE = 5
OUT = os.path.join(H.HERE, "train_pointers.jsonl")


def build():
    dev = H.load_jsonl(D.DEV)
    seed = H.load_jsonl(D.SEEDFILE)
    evaluation = H.load_jsonl(D.OUT)
    labels = D.reuters_labels()
    counts, min_chars, min_words = D.dev_profile(dev, labels)
    quota = D.half_quotas(counts)
    excluded_paths = {r["path"] for r in dev + seed + evaluation}
    used_digests = {D.file_digest(p) for p in excluded_paths
                    if os.path.exists(os.path.join(H.SHARED, p))}
    used_texts = {r["text"] for r in dev + seed}

    by_stratum = {s: [] for s in D.STRATA}
    for corpus in D.CORPORA:
        for path in D.list_files(corpus, labels):
            by_stratum[(corpus, D.stratum_of(corpus, path, labels))].append(path)

    def batch(rng, halves, per_file):
        drawn = []
        for s in D.STRATA:
            corpus = s[0]
            files = list(by_stratum[s])
            rng.shuffle(files)
            want = halves * quota[s]
            out = []
            for path in files:
                if len(out) >= want:
                    break
                if path in excluded_paths:
                    continue
                digest = D.file_digest(path)
                if digest in used_digests:
                    continue
                units = [(line, text) for line, text in H.paragraphs(corpus, path)
                         if len(text) >= min_chars and len(text.split()) >= min_words
                         and text not in used_texts]
                if not units:
                    continue
                picked = rng.sample(units, min(per_file, len(units), want - len(out)))
                used_digests.add(digest)
                excluded_paths.add(path)
                for line, text in sorted(picked):
                    used_texts.add(text)
                    out.append({"corpus": corpus, "path": path, "line": line,
                                "sha256": H.sha256(text)})
            if len(out) < want:
                H.die(f"stratum {s}: only {len(out)} eligible paragraphs, {want} wanted")
            drawn.extend(out)
        rng.shuffle(drawn)
        return drawn

    first = batch(random.Random(SEED), HALVES, 1)
    more = batch(random.Random(SEED + 1), MORE_HALVES, MORE_PER_FILE)
    return ([{"id": f"r{i:03d}", "split": "train", **r} for i, r in enumerate(first, start=1)]
            + [{"id": f"r{i:04d}", "split": "train", **r}
               for i, r in enumerate(more, start=len(first) + 1)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the file, do not write")
    a = ap.parse_args()
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build())
    if a.check:
        with open(OUT, encoding="utf-8") as f:
            same = f.read() == text
        print("train_pointers.jsonl is reproducible" if same
              else "train_pointers.jsonl DIFFERS from a fresh draw")
        sys.exit(0 if same else 1)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}: {text.count(chr(10))} pointers")


if __name__ == "__main__":
    main()
