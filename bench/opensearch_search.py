#!/usr/bin/env python3
"""Whole-process search latency through a two-node OpenSearch cluster against the local
index: the same `dossier search` commands, with `--opensearch URL` or `--index PATH`, on
the same corpus (../shared/corpora by default), release build. Prints one table.

Usage: python3 bench/opensearch_search.py [--corpus DIR] [--runs N] [--bin PATH]
                                          [--url URL --os-index NAME --index PATH]

Without --url it starts its own cluster with ../shared/opensearch/cluster.sh (ports from
--port, data under /tmp/cluster-search-bench-*), indexes the corpus into it and into a
local index, and stops the cluster by its PIDs whatever happens. With --url it searches
a cluster and a local index that already hold the corpus.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")

# Queries of 1-3 words a reader of business news would type; the classes below add a
# phrase, a company (with units), a topic or the facet counts to them.
WORDS = [
    "oil prices", "interest rates", "takeover", "inflation", "quarterly profit",
    "mobile phones", "music downloads", "trade deficit", "coffee prices", "car sales",
    "central bank", "tax cuts", "bond market", "chief executive resigned", "steel output",
]
COMPANIES = ["General Motors", "Merrill Lynch", "American Express", "Texaco", "IBM"]
TOPICS = ["earnings and revenue", "energy and oil", "stock market", "trade",
          "banking and finance"]


def classes():
    """(name, list of argument lists) for each query class."""
    return [
        ("plain", [[q] for q in WORDS]),
        ("phrase", [[f'"{q}"'] for q in WORDS if " " in q]),
        ("company", [[q, "--company", COMPANIES[i % len(COMPANIES)]]
                     for i, q in enumerate(WORDS)]),
        ("topic", [[q, "--topic", TOPICS[i % len(TOPICS)]] for i, q in enumerate(WORDS)]),
        ("facets", [[q, "--facets"] for q in WORDS]),
        ("prefix", [[q.split()[0][:4] + "*"] for q in WORDS]),
    ]


def timed(command):
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed: {done.stderr.decode()}")
    return elapsed


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return f"{statistics.median(ordered):.1f}/{pick(0.95):.1f}/{pick(0.99):.1f}"


def run(command, **kwargs):
    subprocess.run(command, check=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpora"))
    parser.add_argument("--runs", type=int, default=3, help="runs of each query")
    parser.add_argument("--bin", help="dossier binary (default: release build)")
    parser.add_argument("--url", help="search this cluster instead of starting one")
    parser.add_argument("--os-index", default="bench-search")
    parser.add_argument("--index", help="local index holding the corpus (with --url)")
    parser.add_argument("--port", type=int, default=9650, help="first HTTP port")
    args = parser.parse_args()

    binary = args.bin
    if not binary:
        run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
        binary = os.path.join(ROOT, "target", "release", "dossier")
    work = tempfile.mkdtemp(prefix="cluster-search-bench-", dir="/tmp")
    launcher = os.path.join(SHARED, "opensearch", "cluster.sh")
    env = dict(os.environ, OS_DATA=os.path.join(work, "cluster"), HTTP_PORT=str(args.port))
    started = False
    try:
        url, index = args.url, args.index
        if not url:
            run(["bash", launcher, "start"], env=env, stdout=subprocess.DEVNULL)
            started = True
            url = f"http://127.0.0.1:{args.port}"
        if not index:
            index = os.path.join(work, "idx")
            run([binary, "index", args.corpus, "--index", index, "--quiet"])
        if not args.url:
            run([binary, "index", args.corpus, "--opensearch", url,
                 "--os-index", args.os_index, "--quiet"])
        places = [("local index", ["--index", index]),
                  ("two-node cluster", ["--opensearch", url, "--os-index", args.os_index])]
        rows = []
        for name, queries in classes():
            row = [name]
            for _, place in places:
                samples = [timed([binary, "search", *q, *place])
                           for _ in range(args.runs) for q in queries]
                row.append(percentiles(samples))
            rows.append(row)
    finally:
        if started:
            subprocess.run(["bash", launcher, "stop"], env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)

    print(f"corpus {args.corpus}, {args.runs} runs of each query, "
          f"{platform.machine()} {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    print("| query class | " + " | ".join(f"{p}: whole process p50/p95/p99 ms" for p, _ in places)
          + " |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
