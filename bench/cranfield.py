#!/usr/bin/env python3
"""Ranking quality of `dossier search` on the Cranfield collection.

Usage: bench/cranfield.py [--bin PATH] [--collection DIR] [--keep DIR]

Indexes ../shared/eval/cranfield/corpus.jsonl (ids in `_id`) with dossier, runs each of
the 225 queries with `--any --per-doc 1 --json --limit 100`, and prints nDCG@10, MAP@100
and Recall@100 computed as trec_eval computes ndcg_cut.10, map_cut.100 and recall.100
(graded gains from qrels.tsv; a query with no hits scores 0). When pytrec_eval is
installed the same figures are computed with it too, as a check. Also prints the time of
the whole query run (one process per query, as a user runs it).
"""
import argparse, json, math, os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        next(f)  # header
        for line in f:
            query, doc, gain = line.split("\t")
            if int(gain) > 0:
                qrels.setdefault(query, {})[doc] = int(gain)
    return qrels


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [(q["_id"], q["text"]) for q in map(json.loads, f)]


def query_words(text):
    """The query's words, without the punctuation the query language would read as syntax."""
    return " ".join(re.findall(r"[A-Za-z0-9]+", text))


def run_queries(binary, index, queries):
    run = {}
    for qid, text in queries:
        out = subprocess.run(
            [binary, "search", query_words(text), "--index", index, "--any", "--per-doc", "1",
             "--json", "--limit", "100"],
            capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"query {qid} failed ({out.returncode}): {out.stderr.strip()}")
        hits = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        run[qid] = {hit["id"]: hit["score"] for hit in hits}
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
    figures = {"nDCG@10": [], "MAP@100": [], "Recall@100": []}
    for qid, gains in qrels.items():
        ranked = ranking(run.get(qid, {}))
        figures["nDCG@10"].append(ndcg_at(ranked, gains, 10))
        figures["MAP@100"].append(average_precision_at(ranked, gains, 100))
        figures["Recall@100"].append(recall_at(ranked, gains, 100))
    return {name: sum(v) / len(v) for name, v in figures.items()}


def evaluate_with_pytrec(run, qrels):
    try:
        import pytrec_eval
    except ImportError:
        return None
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "map_cut.100", "recall.100"})
    # pytrec_eval leaves out queries without hits; they score 0 in the mean.
    results = evaluator.evaluate({q: {d: float(s) for d, s in r.items()} for q, r in run.items() if r})
    mean = lambda key: sum(r[key] for r in results.values()) / len(qrels)
    return {"nDCG@10": mean("ndcg_cut_10"), "MAP@100": mean("map_cut_100"),
            "Recall@100": mean("recall_100")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/dossier"))
    parser.add_argument("--collection", default=os.path.join(ROOT, "../shared/eval/cranfield"))
    parser.add_argument("--keep", help="build the index in this folder and keep it")
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} does not exist; run `cargo build --release` first")
    work = args.keep or tempfile.mkdtemp(prefix="dossier-cranfield-")
    try:
        corpus = os.path.join(work, "corpus")
        os.makedirs(corpus, exist_ok=True)
        shutil.copy(os.path.join(args.collection, "corpus.jsonl"), corpus)
        index = os.path.join(work, "index")
        started = time.perf_counter()
        subprocess.run([args.bin, "index", corpus, "--index", index, "--id-field", "_id"],
                       check=True, capture_output=True)
        indexed = time.perf_counter() - started
        qrels = read_qrels(os.path.join(args.collection, "qrels.tsv"))
        queries = read_queries(os.path.join(args.collection, "queries.jsonl"))
        started = time.perf_counter()
        run = run_queries(args.bin, index, queries)
        searched = time.perf_counter() - started
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ours = evaluate(run, qrels)
    print(f"queries {len(queries)}  judged {len(qrels)}  index {indexed:.2f} s  "
          f"search {searched:.2f} s ({1000 * searched / len(queries):.1f} ms per query)")
    print("dossier   " + "  ".join(f"{k} {v:.4f}" for k, v in ours.items()))
    checked = evaluate_with_pytrec(run, qrels)
    if checked:
        print("pytrec    " + "  ".join(f"{k} {v:.4f}" for k, v in checked.items()))


if __name__ == "__main__":
    main()
