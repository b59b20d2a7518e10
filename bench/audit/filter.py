#!/usr/bin/env python3
"""The filter audit: does `--company X` find the paragraphs that name X, and only those?

Usage: bench/audit/filter.py [--bin PATH] [--per-company K] [--print] [--wrong]

For each of 12 well-known companies, on the index draw.py builds of ../shared/corpora
(target/audit/index; run draw.py first):
- precision: K paragraphs the filter returns (`dossier search --company X`), drawn by the
  smallest hash of company, path and line;
- recall: K paragraphs that hold one of the company's names as a phrase (`dossier search
  '"NAME"'`, any tag), drawn the same way; the judge says whether each names the company,
  and recall is the share of those the filter returns (tagged with it or one of its units).
Writes filter_sample.jsonl (pointers: company, kind, path, line, sha256, tagged) and scores
it against filter_judgments.jsonl (`{"company", "path", "line", "sha256", "names": bool,
"why"}`: does the paragraph name the company, under the guidelines). `--print` shows the
paragraphs not judged yet, for judging. Target (issue 19): recall >= 95% at precision >= 98%.
"""
import argparse, hashlib, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
INDEX = os.path.join(ROOT, "target", "audit", "index")
# Twelve companies every reader knows, with the names searched for the recall draw.
COMPANIES = {
    "Shell": ["Shell"],
    "Ford": ["Ford Motor", "Ford"],
    "IBM": ["IBM", "International Business Machines"],
    "General Motors": ["General Motors", "GM"],
    "Texaco": ["Texaco"],
    "Chrysler": ["Chrysler"],
    "Exxon": ["Exxon"],
    "BP": ["British Petroleum", "BP"],
    "Boeing": ["Boeing"],
    "American Express": ["American Express"],
    "Merrill Lynch": ["Merrill Lynch", "Merrill"],
    "Microsoft": ["Microsoft"],
}


def search(binary, args):
    out = subprocess.run([binary, "search", "--index", INDEX, "--json", "--per-doc", "0",
                          "--sort", "path", "--limit", "65535"] + args,
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"dossier search {' '.join(args)} failed: {out.stderr.strip()}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def draw(hits, company, kind, k):
    key = lambda h: hashlib.sha256(f"filter:{kind}:{company}:{h['path']}:{h['line']}".encode()).hexdigest()
    return sorted(hits, key=key)[:k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "dossier"))
    ap.add_argument("--per-company", type=int, default=14)
    ap.add_argument("--print", action="store_true")
    ap.add_argument("--wrong", action="store_true", help="list misses and wrong hits")
    a = ap.parse_args()
    if not os.path.isdir(INDEX):
        sys.exit(f"{INDEX} does not exist; run bench/audit/draw.py first")
    sample = []
    filtered = {}
    for company, names in COMPANIES.items():
        hits = search(a.bin, ["path:*", "--company", company])
        filtered[company] = {(h["path"], h["line"]) for h in hits}
        for h in draw(hits, company, "filter", a.per_company):
            sample.append(dict(h, company=company, kind="filter"))
        named = {}
        for name in names:
            for h in search(a.bin, [f'"{name}"']):
                named[(h["path"], h["line"])] = h
        for h in draw(list(named.values()), company, "named", a.per_company):
            sample.append(dict(h, company=company, kind="named"))
    rows = []
    for h in sample:
        rows.append({"company": h["company"], "kind": h["kind"], "path": h["path"],
                     "line": h["line"], "sha256": hashlib.sha256(h["text"].encode()).hexdigest(),
                     "tagged": (h["path"], h["line"]) in filtered[h["company"]],
                     "text": h["text"]})
    with open(os.path.join(HERE, "filter_sample.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({k: v for k, v in r.items() if k != "text"}, ensure_ascii=False) + "\n")
    judged = {}
    path = os.path.join(HERE, "filter_judgments.jsonl")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                j = json.loads(line)
                judged[(j["company"], j["path"], j["line"], j["sha256"])] = j
    key = lambda r: (r["company"], r["path"], r["line"], r["sha256"])
    if a.print:
        seen = set()
        for r in rows:
            if key(r) not in judged and key(r) not in seen:
                seen.add(key(r))
                print(json.dumps({k: r[k] for k in ("company", "path", "line", "sha256", "text")},
                                 ensure_ascii=False))
        return
    hits = [r for r in rows if r["kind"] == "filter" and key(r) in judged]
    right = sum(judged[key(r)]["names"] for r in hits)
    named = [r for r in rows if r["kind"] == "named" and key(r) in judged and judged[key(r)]["names"]]
    found = sum(r["tagged"] for r in named)
    missing = sum(key(r) not in judged for r in rows)
    if a.wrong:
        for r in hits:
            if not judged[key(r)]["names"]:
                print(f"wrong hit  {r['company']}: {r['path']}:{r['line']}  {judged[key(r)]['why']}")
        for r in named:
            if not r["tagged"]:
                print(f"missed     {r['company']}: {r['path']}:{r['line']}  {judged[key(r)]['why']}")
    precision = right / len(hits) if hits else 0.0
    recall = found / len(named) if named else 0.0
    print(f"filter audit  precision {right}/{len(hits)} = {precision:.1%}  "
          f"recall {found}/{len(named)} = {recall:.1%}  not judged {missing}")


if __name__ == "__main__":
    main()
