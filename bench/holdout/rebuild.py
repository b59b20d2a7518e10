#!/usr/bin/env python3
"""Rebuild holdout paragraph texts from ../shared and check their sha256.

Usage: python3 bench/holdout/rebuild.py [FILE ...] [--split tune|holdout] [--print] [--ids ID ...]

FILE defaults to pointers.jsonl (annotation files holdout.jsonl / tune.jsonl work too).
Without --print it only verifies every hash and prints a count. Exits 1 with a message
naming the pointer when a paragraph is missing or its hash does not match.
Texts are printed to the terminal only; never write them into the repository.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # keep the repo free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import holdout as H


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", default=[os.path.join(H.HERE, "pointers.jsonl")])
    ap.add_argument("--split", choices=["tune", "holdout"])
    ap.add_argument("--print", action="store_true", help="print id, pointer and text")
    ap.add_argument("--ids", nargs="+", help="only these ids")
    a = ap.parse_args()
    n, errors = 0, []
    for path in a.files:
        for rec in H.load_jsonl(path):
            split = rec.get("split") or ("tune" if rec["id"].startswith("t") else "holdout")
            if a.split and split != a.split or a.ids and rec["id"] not in a.ids:
                continue
            try:
                text = H.rebuild(rec)
            except ValueError as e:
                errors.append(str(e))
                continue
            n += 1
            if a.print:
                print(f"[{rec['id']}] {rec['corpus']} {rec['path']}:{rec['line']}\n{text}\n")
    for e in errors:
        print(f"ERROR: {e}", file=sys.stderr)
    print(f"{n} paragraphs rebuilt, hashes ok" + (f"; {len(errors)} FAILED" if errors else ""),
          file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
