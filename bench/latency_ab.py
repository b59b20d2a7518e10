#!/usr/bin/env python3
"""In-process search latency of two builds, A and B, on the 100 MB corpus of
bench/scale.py, and a check that they print the same results.

Usage: python3 bench/latency_ab.py A_DIR B_DIR [--work DIR] [--rounds 3] [--runs 5]

A_DIR and B_DIR each hold a release `dossier` and its `search_latency` example (copy
target/release/dossier and target/release/examples/search_latency of each build). The
corpus (scale.py's generation code, 100 MB) and an index built by A's `dossier` are made
under --work once and reused. The builds alternate, round by round, over scale.py's 270
queries (plain, phrase, company, topic, facets); the table gives, per class, the median
over the rounds of p50 / p95 in milliseconds, with the load average at each round.

Before timing, every search of scale.py's set, and of variants with other flags (--expand,
--any, --per-doc 0, --context 1, --sort date and path, --offset, --explain) and other
query syntax, runs with both `dossier` builds, as text and as JSON; any difference in
output or exit code is printed and the script exits 1.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402

FLAGS = [["--expand"], ["--any"], ["--per-doc", "0"], ["--context", "1"], ["--sort", "date"],
         ["--sort", "path", "--limit", "5"], ["--offset", "10"], ["--any", "--expand"],
         ["--explain", "--limit", "3"]]
SYNTAX = [["oil zzzqqq prices"], ["comput*"], ["alibabba~1"], ["(tea OR coffee) -sugar"],
          ["Microsoft software"], ["IBM", "--facets"], ["--company", "Sony"],
          ["General Motors cars"], ['"General Motors"'], ["oil -prices"],
          ["+oil prices", "--any"], ["the of"], ["profit", "--topic", "trade", "--expand"],
          ["path:copy001/* oil"], ["title:profit bank"], ["bank", "--since", "1987-01-01"],
          ["Time Warner", "--expand"], ["Texaco", "--expand", "--any"]]


def cases():
    found = [args for _, args in scale.query_set(len(scale.QUERIES))]
    for i, query in enumerate(scale.QUERIES):
        found.append([query] + FLAGS[i % len(FLAGS)])
        found.append([query] + FLAGS[(i + 4) % len(FLAGS)])
    return found + SYNTAX


def output(binary, index, args):
    done = subprocess.run([binary, "search", "--index", index, "--color", "never"] + args,
                          capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def same_output(a, b, index):
    differ = 0
    for args in cases():
        for fmt in (["--json"], []):
            if output(a, index, fmt + args) != output(b, index, fmt + args):
                print("differs: %s" % " ".join(fmt + args), file=sys.stderr)
                differ += 1
    return differ


def latency(example, index, queries, runs):
    out = subprocess.run([example, index, queries, str(runs)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    result = {}
    for line in out.splitlines():
        cls, _, p50, p95, _ = line.split("\t")
        result[cls] = (float(p50.split()[1]), float(p95.split()[1]))
    return result


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--work", default=os.path.join(scale.ROOT, "target", "bench", "latency"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    scale.ROOT = args.work
    corpus = scale.build_corpus(100, scale.articles())
    index = os.path.join(args.work, "index-100")
    if not os.path.exists(os.path.join(index, "meta.json")):
        subprocess.run([os.path.join(args.a, "dossier"), "index", corpus, "--index", index,
                        "--quiet"], check=True)
    queries = os.path.join(args.work, "queries.jsonl")
    with open(queries, "w") as f:
        for cls, qargs in scale.query_set(len(scale.QUERIES)):
            line = {"class": cls, "query": qargs[0], "facets": "--facets" in qargs}
            for flag in ("company", "topic"):
                if "--" + flag in qargs:
                    line[flag] = qargs[qargs.index("--" + flag) + 1]
            f.write(json.dumps(line) + "\n")
    differ = same_output(os.path.join(args.a, "dossier"), os.path.join(args.b, "dossier"), index)
    print("searches with different output: %d of %d" % (differ, 2 * len(cases())))
    rounds = {"A": [], "B": []}
    for _ in range(args.rounds):
        for name, folder in (("A", args.a), ("B", args.b)):
            before = load()
            rounds[name].append(latency(os.path.join(folder, "search_latency"), index, queries,
                                        args.runs))
            print("round %d %s: load %s" % (len(rounds[name]), name, before))
    print("| class | A p50 / p95 ms | B p50 / p95 ms |\n|---|---|---|")
    for cls in ("plain", "phrase", "company", "topic", "facets"):
        cells = []
        for name in ("A", "B"):
            p50 = statistics.median(r[cls][0] for r in rounds[name])
            p95 = statistics.median(r[cls][1] for r in rounds[name])
            cells.append("%.2f / %.2f" % (p50, p95))
        print("| %s | %s |" % (cls, " | ".join(cells)))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
