#!/usr/bin/env python3
"""Ranking quality of `dossier search` on BEIR-format collections, beside a plain BM25.

Usage: bench/beir.py [--bin PATH] [--anchor PATH] [--search-flag=FLAG]... [--keep DIR]
                     [--runs DIR] [COLLECTION ...]

COLLECTION is a folder holding corpus.jsonl (`_id` or `id`, `title`, `text`),
queries.jsonl (`_id` or `id`, `text`) and qrels.tsv (`query-id corpus-id score`, a header
line). By default: ../shared/eval/cranfield and ../shared/eval/scifact-train.

For each collection, dossier indexes its corpus.jsonl with its default settings, and each
judged query runs as a user runs it, one `dossier search WORDS --any --per-doc 1 --json
--limit 100` process per query (the query reduced to its words, so that ranking and not
query syntax is measured). The plain-BM25 anchor is `examples/plain_bm25.rs` (lower case,
Lucene's 33 stop words, Snowball stems, title and text as one field, k1 1.2, b 0.75). Both
runs are scored as trec_eval scores ndcg_cut.10, map_cut.100 and recall.100 (graded gains;
a query with no hits scores 0), and one table prints them side by side. `--runs DIR` also
writes each run as a TREC run file.
"""
import argparse, json, math, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "eval")
DEFAULT_COLLECTIONS = [os.path.join(SHARED, "cranfield"), os.path.join(SHARED, "scifact-train")]


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            parts = line.split()
            if number == 0 and not parts[-1].lstrip("-").isdigit():
                continue  # header
            if int(parts[-1]) > 0:
                qrels.setdefault(parts[0], {})[parts[1]] = int(parts[-1])
    return qrels


def object_id(obj):
    return str(obj["_id"] if "_id" in obj else obj["id"])


def read_queries(path, judged):
    with open(path, encoding="utf-8") as f:
        queries = [(object_id(q), q["text"]) for q in map(json.loads, f) if q]
    return [(qid, text) for qid, text in queries if qid in judged]


def query_words(text):
    """The query's words, without the punctuation the query language would read as syntax."""
    return " ".join(re.findall(r"\w+", text))


def dossier_run(binary, index, queries, extra):
    def one(query):
        qid, text = query
        out = subprocess.run(
            [binary, "search", query_words(text), "--index", index, "--any", "--per-doc", "1",
             "--json", "--limit", "100", *extra],
            capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"query {qid} failed ({out.returncode}): {out.stderr.strip()}")
        hits = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        return qid, {hit["id"]: hit["score"] for hit in hits if "id" in hit}

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(pool.map(one, queries))


def plain_bm25_run(anchor, collection):
    command = [anchor] if anchor else ["cargo", "run", "--quiet", "--release", "--example",
                                       "plain_bm25", "--"]
    out = subprocess.run(command + [collection], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"the plain-BM25 anchor failed: {out.stderr.strip()}")
    run = {}
    for line in out.stdout.splitlines():
        qid, doc, score = line.split("\t")
        run.setdefault(qid, {})[doc] = float(score)
    return run


def ranking(scores):
    # trec_eval orders by score, then by document id descending on ties.
    return [doc for doc, _ in sorted(scores.items(), key=lambda x: (x[1], x[0]), reverse=True)]


def ndcg_at(ranked, gains, k):
    dcg = sum(gains.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def average_precision_at(ranked, gains, k):
    found, total = 0, 0.0
    for i, doc in enumerate(ranked[:k]):
        if gains.get(doc, 0) > 0:
            found += 1
            total += found / (i + 1)
    return total / len(gains) if gains else 0.0


def recall_at(ranked, gains, k):
    return sum(1 for doc in ranked[:k] if gains.get(doc, 0) > 0) / len(gains) if gains else 0.0


def evaluate(run, qrels):
    figures = {"nDCG@10": [], "MAP@100": [], "R@100": []}
    for qid, gains in qrels.items():
        ranked = ranking(run.get(qid, {}))
        figures["nDCG@10"].append(ndcg_at(ranked, gains, 10))
        figures["MAP@100"].append(average_precision_at(ranked, gains, 100))
        figures["R@100"].append(recall_at(ranked, gains, 100))
    return {name: sum(v) / len(v) for name, v in figures.items()}


def write_run(path, run, tag):
    with open(path, "w", encoding="utf-8") as f:
        for qid, scores in run.items():
            for rank, doc in enumerate(ranking(scores), 1):
                f.write(f"{qid} Q0 {doc} {rank} {scores[doc]:.6f} {tag}\n")


def measure(binary, anchor, collection, work, runs_dir, extra):
    name = os.path.basename(os.path.normpath(collection))
    corpus = os.path.join(work, name, "corpus")
    os.makedirs(corpus, exist_ok=True)
    shutil.copy(os.path.join(collection, "corpus.jsonl"), corpus)
    index = os.path.join(work, name, "index")
    indexed = subprocess.run([binary, "index", corpus, "--index", index, "--quiet"],
                             capture_output=True, text=True)
    if indexed.returncode != 0:
        sys.exit(f"indexing {name} failed: {indexed.stderr.strip()}")
    qrels = read_qrels(os.path.join(collection, "qrels.tsv"))
    queries = read_queries(os.path.join(collection, "queries.jsonl"), qrels)
    qrels = {qid: qrels[qid] for qid, _ in queries}
    started = time.perf_counter()
    ours = dossier_run(binary, index, queries, extra)
    searched = time.perf_counter() - started
    anchor = plain_bm25_run(anchor, collection)
    if runs_dir:
        os.makedirs(runs_dir, exist_ok=True)
        write_run(os.path.join(runs_dir, f"{name}.dossier.run"), ours, "dossier")
        write_run(os.path.join(runs_dir, f"{name}.bm25.run"), anchor, "bm25")
    return name, len(queries), evaluate(ours, qrels), evaluate(anchor, qrels), searched


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collections", nargs="*", default=DEFAULT_COLLECTIONS)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/dossier"))
    parser.add_argument("--keep", help="build the indexes in this folder and keep them")
    parser.add_argument("--runs", help="write the runs of both rankers into this folder")
    parser.add_argument("--search-flag", action="append", default=[], metavar="FLAG",
                        help="pass FLAG to every search too (e.g. --search-flag=--expand)")
    parser.add_argument("--anchor", help="the plain_bm25 example's binary (default: cargo run "
                        "--release --example plain_bm25)")
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} does not exist; run `cargo build --release` first")
    for collection in args.collections:
        if not os.path.exists(os.path.join(collection, "corpus.jsonl")):
            sys.exit(f"{collection} holds no corpus.jsonl; give a BEIR-format folder")
    work = args.keep or tempfile.mkdtemp(prefix="dossier-beir-")
    try:
        rows = [measure(args.bin, args.anchor, c, work, args.runs, args.search_flag)
                for c in args.collections]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{'collection':<16} {'queries':>7}  {'nDCG@10':>15}  {'MAP@100':>15}  "
          f"{'R@100':>15}  queries/s")
    print(f"{'':<16} {'':>7}  {'dossier   bm25':>15}  {'dossier   bm25':>15}  "
          f"{'dossier   bm25':>15}")
    for name, count, ours, anchor, searched in rows:
        cells = "  ".join(f"{ours[k]:.4f} {anchor[k]:.4f}".rjust(15) for k in ours)
        print(f"{name:<16} {count:>7}  {cells}  {count / searched:.0f}")


if __name__ == "__main__":
    main()
