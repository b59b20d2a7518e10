#!/usr/bin/env python3
"""The company-precision audit: what `dossier companies` shows first, judged by the guidelines.

Usage: bench/audit/draw.py [--bin PATH] [--top N] [--per-company K] [--print]

Indexes ../shared/corpora into target/audit/index (incremental, so a re-run is quick),
takes the N most frequent top-level companies of `dossier companies` (default 100), and for
each draws K of its paragraphs (default 10): the K with the smallest hash of company, path
and line, so the same tagger gives the same sample and a changed one keeps the draws of
the paragraphs it still tags. Writes bench/audit/sample.jsonl: one pointer per drawn
paragraph (`company`, `rank`, `path` relative to ../shared/corpora, `line`, `sha256` of the
paragraph's text) and no text. `--print` prints each drawn paragraph with its company, for
judging. The judgments live in bench/audit/judgments.jsonl (see score.py); a judgment is
kept as long as its company, path, line and text hash are drawn again.
"""
import argparse, hashlib, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPORA = os.path.join(ROOT, "..", "shared", "corpora")


def dossier(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"`dossier {' '.join(args)}` failed: {out.stderr.strip()}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw(binary, index, top, per_company):
    companies = [c for c in dossier(binary, "companies", "--index", index, "--json")
                 if len(c["path"]) == 1][:top]
    sample = []
    for rank, company in enumerate(companies, 1):
        hits = dossier(binary, "search", "path:*", "--company", company["name"], "--index",
                       index, "--json", "--per-doc", "0", "--sort", "path", "--limit", "65535")
        # Bottom-k by a hash of company and paragraph: a uniform sample that a changed
        # tagger only changes where it changed the company's paragraphs, so judgments stay
        # valid for the rest.
        chosen = sorted(hits, key=lambda h: hashlib.sha256(
            f"audit:{company['name']}:{h['path']}:{h['line']}".encode()).hexdigest())[:per_company]
        for hit in sorted(chosen, key=lambda h: (h["path"], h["line"])):
            sample.append({"company": company["name"], "rank": rank,
                           "paragraphs": company["paragraphs"],
                           "discovered": company["discovered"], "path": hit["path"],
                           "line": hit["line"], "sha256": digest(hit["text"]),
                           "tags": hit["companies"], "text": hit["text"]})
    return sample


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "dossier"))
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--per-company", type=int, default=10)
    parser.add_argument("--print", action="store_true", help="print the drawn paragraphs")
    args = parser.parse_args()
    if not os.path.isdir(CORPORA):
        sys.exit(f"the audit needs {CORPORA}")
    index = os.path.join(ROOT, "target", "audit", "index")
    os.makedirs(os.path.dirname(index), exist_ok=True)
    built = subprocess.run([args.bin, "index", CORPORA, "--index", index, "--quiet"])
    if built.returncode != 0:
        sys.exit("indexing ../shared/corpora failed")
    sample = draw(args.bin, index, args.top, args.per_company)
    with open(os.path.join(HERE, "sample.jsonl"), "w", encoding="utf-8") as f:
        for row in sample:
            f.write(json.dumps({k: v for k, v in row.items() if k != "text"},
                               ensure_ascii=False) + "\n")
    if args.print:
        for row in sample:
            print(f"== {row['company']} (rank {row['rank']}) {row['path']}:{row['line']} "
                  f"{row['sha256'][:12]}\n{row['text']}\n")
    print(f"drew {len(sample)} paragraphs of {len({r['company'] for r in sample})} companies "
          f"into bench/audit/sample.jsonl", file=sys.stderr)


if __name__ == "__main__":
    main()
