#!/usr/bin/env python3
"""Scores the company-precision audit: how many drawn paragraphs are right, and which
companies of the top list are one company listed twice.

Usage: bench/audit/score.py [--wrong]

Reads bench/audit/sample.jsonl (bench/audit/draw.py) and the judgments beside it:
- judgments.jsonl: `{"company", "path", "line", "sha256", "right": true|false, "why"}`, one
  per judged paragraph: is the paragraph's tag for `company` right under
  ../shared/eval/tagging/GUIDELINES.md (the paragraph names that business, by name, alias,
  short form or product)? A judgment counts only while the same paragraph (same hash) is
  drawn for the same company.
- duplicates.jsonl: `{"names": [A, B], "why"}`: two names of the top list that are one
  company (or one a unit wrongly listed apart); counted while both are in the top list.
Prints the share of right paragraphs, the drawn paragraphs not judged yet, the companies
with wrong paragraphs (`--wrong` lists each), and the duplicates.
"""
import argparse, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", action="store_true", help="list every wrong paragraph")
    args = parser.parse_args()
    sample = read("sample.jsonl")
    if not sample:
        sys.exit("bench/audit/sample.jsonl is missing; run bench/audit/draw.py first")
    key = lambda r: (r["company"], r["path"], r["line"], r["sha256"])
    judged = {key(j): j for j in read("judgments.jsonl")}
    right = wrong = 0
    missing = []
    wrong_by_company = {}
    for row in sample:
        judgment = judged.get(key(row))
        if judgment is None:
            missing.append(row)
        elif judgment["right"]:
            right += 1
        else:
            wrong += 1
            wrong_by_company.setdefault(row["company"], []).append((row, judgment["why"]))
    names = {row["company"] for row in sample}
    duplicates = [d for d in read("duplicates.jsonl") if all(n in names for n in d["names"])]
    total = right + wrong
    print(f"companies {len(names)}  paragraphs drawn {len(sample)}  judged {total}  "
          f"not judged {len(missing)}")
    if total:
        print(f"right {right} ({100 * right / total:.1f}%)  wrong {wrong}")
    for company, rows in sorted(wrong_by_company.items(), key=lambda x: -len(x[1])):
        print(f"  {company}: {len(rows)} wrong")
        if args.wrong:
            for row, why in rows:
                print(f"    {row['path']}:{row['line']}  {why}")
    print(f"duplicates in the top list: {len(duplicates)}")
    for d in duplicates:
        print(f"  {' = '.join(d['names'])}: {d['why']}")
    print(f"audit  right {100 * right / max(total, 1):.1f}%  duplicates {len(duplicates)}  "
          f"not judged {len(missing)}")


if __name__ == "__main__":
    main()
