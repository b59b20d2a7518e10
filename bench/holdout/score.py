#!/usr/bin/env python3
"""Score dossier's tagger on the tagging holdout (and/or the tune half).

Usage: python3 bench/holdout/score.py [--bin PATH] [--split tune|holdout|both]
                                      [--errors N] [--full] [--dry-run]

For each split it rebuilds every paragraph's text from ../shared (sha256-checked, see
holdout.py), writes a temporary gold JSONL with a `text` field in the format of
/work/shared/eval/tagging/score.py (outside the repo; deleted afterwards), runs that scorer
with --bin, and prints its summary line prefixed by the split name (--full prints the
scorer's whole report). --dry-run only builds and checks the temporary files.

Rule: never change a tagging rule because of a holdout error. Report holdout beside dev.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the repo free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import holdout as H

SCORER = os.path.join(H.SHARED, "eval", "tagging", "score.py")
FILES = {"tune": "tune.jsonl", "holdout": "holdout.jsonl"}
GOLD_KEYS = ("id", "corpus", "path", "line", "text", "companies", "topics", "note")


def gold_records(ann_path):
    out = []
    for rec in H.load_jsonl(ann_path):
        try:
            text = H.rebuild(rec)
        except ValueError as e:
            H.die(f"{os.path.basename(ann_path)}: {e}")
        g = dict(rec, text=text)
        out.append({k: g[k] for k in GOLD_KEYS if k in g})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(H.REPO, "target", "release", "dossier"),
                    help="dossier binary (default: <repo>/target/release/dossier)")
    ap.add_argument("--split", choices=["tune", "holdout", "both"], default="both")
    ap.add_argument("--errors", type=int, default=15, help="passed to the scorer")
    ap.add_argument("--full", action="store_true", help="print the scorer's full report")
    ap.add_argument("--dry-run", action="store_true",
                    help="build and check the temporary gold files, do not run the scorer")
    ap.add_argument("--annotations", help=argparse.SUPPRESS)  # testing: score this file instead
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    if a.annotations:
        jobs = [("custom", os.path.abspath(a.annotations))]
    else:
        splits = ["tune", "holdout"] if a.split == "both" else [a.split]
        jobs = [(s, os.path.join(H.HERE, FILES[s])) for s in splits]
    if not a.dry_run and not os.access(binary, os.X_OK):
        H.die(f"dossier binary not found or not executable: {binary} (build it or pass --bin)")
    status = 0
    for split, path in jobs:
        gold = gold_records(path)
        fd, tmp = tempfile.mkstemp(prefix=f"dossier-{split}-", suffix=".jsonl")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for g in gold:
                    f.write(json.dumps(g, ensure_ascii=False) + "\n")
            if a.dry_run:
                with open(tmp, encoding="utf-8") as f:
                    n = sum(1 for l in f if json.loads(l).get("text"))
                print(f"{split}: {n} paragraphs rebuilt, hashes ok, gold file written (dry run)")
                continue
            r = subprocess.run([sys.executable, SCORER, tmp, "--bin", binary,
                                "--errors", str(a.errors)],
                               capture_output=True, text=True, cwd=H.REPO)
            if r.returncode != 0:
                print(f"{split}: scorer failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()}",
                      file=sys.stderr)
                status = 1
                continue
            lines = [l for l in r.stdout.splitlines() if l.strip()]
            if a.full:
                print(f"===== {split} =====\n{r.stdout}")
            print(f"{split:8} {lines[-1] if lines else '(no output)'}")
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    sys.exit(status)


if __name__ == "__main__":
    main()
