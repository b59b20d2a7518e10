#!/usr/bin/env python3
"""dossier at scale: builds benchmark corpora of real news text (100 MB and 1 GB by
default) from ../shared/corpora, indexes them with and without tagging, times searches
(whole process and in process), re-indexing after small changes, the time from a save to
a search that finds it with `dossier watch` running, a bare tantivy program
on the same paragraphs and `rg -i -c` as the no-index baseline, and prints one table.

Usage: python3 bench/scale.py [--sizes 100,1000] [--queries N] [--bin PATH]

Corpora are copies of the BBC and Reuters articles with light variation (each copy its
own file names and, for articles with several paragraphs, its own paragraph order); they
are written under target/bench/ once and reused. Nothing here runs in `cargo test`
except a smoke run on a tiny corpus.
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "corpora")

# Queries of 1-4 words a reader of business news would type; filtered, phrase and facet
# variants are made from them below.
QUERIES = [
    "oil", "profit", "takeover", "inflation", "bank rates", "oil prices", "share price",
    "trade deficit", "interest rates", "merger talks", "quarterly profit", "job cuts",
    "mobile phones", "broadband", "music downloads", "film box office", "games console",
    "stock market", "dollar", "gold", "coffee prices", "sugar exports", "wheat harvest",
    "steel output", "car sales", "airline", "strike", "bankruptcy", "dividend",
    "acquisition agreement", "annual report", "net loss", "crude oil production",
    "central bank", "exchange rate", "tax cuts", "budget deficit", "unemployment rate",
    "retail sales", "consumer spending", "software", "internet search", "chip maker",
    "telecoms", "television rights", "record label", "insurance", "pension fund",
    "debt restructuring", "bond market", "oil company profit", "world bank loan",
    "stake in company", "chief executive resigned",
]
COMPANY_FILTERS = ["Time Warner", "General Motors", "IBM", "Texaco", "Microsoft", "BP",
                   "Citicorp", "Sony", "Exxon", "Chrysler"]
TOPIC_FILTERS = ["earnings and revenue", "mergers and acquisitions", "energy and oil",
                 "banking and finance", "trade", "stock market", "media and entertainment",
                 "telecommunications"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def articles():
    """The text files of the shared corpora, as (relative path, text)."""
    found = []
    for folder, _, files in os.walk(SHARED):
        for name in sorted(files):
            if name.endswith(".txt") and "articles" in folder:
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    found.append((os.path.relpath(path, SHARED), f.read()))
    found.sort()
    return found


def varied(text, copy):
    """The article with its body paragraphs (blank-line separated, after the headline)
    rotated by the copy number; wire stories without blank lines stay as they are."""
    blocks = text.split("\n\n")
    if copy == 0 or len(blocks) < 3:
        return text
    head, body = blocks[0], blocks[1:]
    shift = copy % len(body)
    return "\n\n".join([head] + body[shift:] + body[:shift])


def build_corpus(megabytes, sources):
    """target/bench/corpus-<N>mb: copies of the articles until N megabytes; reused when
    already complete."""
    folder = os.path.join(ROOT, "target", "bench", "corpus-%dmb" % megabytes)
    done = os.path.join(folder, ".complete")
    if os.path.exists(done):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    target = megabytes * 1_000_000
    written = 0
    copy = 0
    while written < target:
        for relative, text in sources:
            if written >= target:
                break
            directory, name = os.path.split(relative)
            path = os.path.join(folder, "copy%03d" % copy, directory,
                                "%s-%d.txt" % (name[:-4], copy))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            data = varied(text, copy).encode("utf-8")
            with open(path, "wb") as f:
                f.write(data)
            written += len(data)
        copy += 1
    with open(done, "w") as f:
        f.write(str(written))
    return folder


def corpus_bytes(folder):
    total = 0
    files = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".txt"):
                total += os.path.getsize(os.path.join(directory, name))
                files += 1
    return total, files


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(folder) for n in ns)


def timed(cmd):
    """Wall seconds and peak RSS (KB, from /usr/bin/time -v when present) of a command."""
    timer = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    done = subprocess.run(timer + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), done.stderr[-2000:]))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return seconds, int(rss.group(1)) if rss else None, done.stderr


def paragraphs_of(stderr):
    m = re.search(r"indexed (\d+) paragraphs", stderr)
    return int(m.group(1)) if m else 0


def percentiles(times):
    times = sorted(times)

    def at(p):
        return times[max(1, min(len(times), -(-len(times) * p // 100))) - 1]
    return at(50), at(95), at(99)


def query_set(count):
    """(class, args) pairs: each query plain, as a phrase, with a company filter, with a
    topic filter and with facets."""
    chosen = QUERIES[:count]
    out = []
    for i, q in enumerate(chosen):
        out.append(("plain", [q]))
        out.append(("phrase", ['"%s"' % q] if " " in q else [q]))
        out.append(("company", [q, "--company", COMPANY_FILTERS[i % len(COMPANY_FILTERS)]]))
        out.append(("topic", [q, "--topic", TOPIC_FILTERS[i % len(TOPIC_FILTERS)]]))
        out.append(("facets", [q, "--facets"]))
    return out


def whole_process(binary, index, queries, runs):
    """Per class, p50/p95/p99 ms of whole `dossier search` processes, and the peak RSS."""
    by_class = {}
    peak = 0
    timer = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
    for cls, args in queries:
        for _ in range(runs):
            cmd = timer + [binary, "search", "--index", index, "--json"] + args
            start = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
            by_class.setdefault(cls, []).append((time.perf_counter() - start) * 1000)
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
            if m:
                peak = max(peak, int(m.group(1)))
    return {cls: percentiles(t) for cls, t in by_class.items()}, peak


def in_process(example, index, queries, runs, work):
    path = os.path.join(work, "queries.jsonl")
    with open(path, "w") as f:
        for cls, args in queries:
            line = {"class": cls, "query": args[0]}
            if "--company" in args:
                line["company"] = args[args.index("--company") + 1]
            if "--topic" in args:
                line["topic"] = args[args.index("--topic") + 1]
            line["facets"] = "--facets" in args
            f.write(json.dumps(line) + "\n")
    out = run([example, index, path, str(runs)], stdout=subprocess.PIPE, text=True).stdout
    result = {}
    for line in out.splitlines():
        cls, _, p50, p95, p99 = line.split("\t")
        result[cls] = tuple(float(x.split()[1]) for x in (p50, p95, p99))
    return result


def ripgrep(corpus, queries):
    """p50/p95/p99 ms of `rg -i -c -F QUERY` over the corpus for the plain queries."""
    rg = shutil.which("rg") or os.path.join(ROOT, "target", "bench-tools", "bin", "rg")
    if not os.path.exists(rg):
        return None
    times = []
    for cls, args in queries:
        if cls != "plain":
            continue
        start = time.perf_counter()
        subprocess.run([rg, "-i", "-c", "-F", args[0], corpus], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def reindex_after(binary, corpus, index, change):
    """Seconds of `dossier index` after `change` touched the corpus."""
    change()
    seconds, _, stderr = timed([binary, "index", corpus, "--index", index])
    return seconds, stderr.strip().splitlines()[-1] if stderr.strip() else ""


def edit_to_searchable(binary, corpus, index, paths, edits, rnd):
    """Seconds from a file's save to the first `dossier search` that finds the new word,
    with `dossier watch` (file events; the full look once an hour, so only events count)
    running on the index: p50 and the slowest of `edits` saves of random files."""
    log = open(index + ".watch.log", "w+")
    watch = subprocess.Popen([binary, "watch", corpus, "--index", index, "--interval", "3600"],
                             stdout=subprocess.DEVNULL, stderr=log)
    try:
        started = time.perf_counter()
        while True:
            log.seek(0)
            if "watching" in log.read():
                break
            if watch.poll() is not None or time.perf_counter() - started > 600:
                sys.exit("dossier watch did not start: see %s" % log.name)
            time.sleep(0.1)
        times = []
        for edit in range(edits):
            # New in every run: the corpus keeps the lines earlier runs appended, and a
            # word seen before is found at once.
            word = "zqxv%swatch%d" % (os.urandom(6).hex(), edit)
            path = rnd.choice(paths)
            saved = time.perf_counter()
            with open(path, "a", encoding="utf-8") as f:
                f.write("\nA note about %s.\n" % word)
            while True:
                found = subprocess.run([binary, "search", "--index", index, word],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if found.returncode == 0:
                    break
                if time.perf_counter() - saved > 120:
                    sys.exit("dossier watch never indexed an edit: see %s" % log.name)
                time.sleep(0.01)
            times.append(time.perf_counter() - saved)
            time.sleep(0.5)
        return statistics.median(times), max(times)
    finally:
        watch.terminate()
        watch.wait()
        log.close()


def corpus_files(corpus):
    return sorted(os.path.join(d, n) for d, _, ns in os.walk(corpus) for n in ns
                  if n.endswith(".txt"))


def bench_size(megabytes, args, sources, work):
    corpus = build_corpus(megabytes, sources)
    size, files = corpus_bytes(corpus)
    mb = size / 1e6
    row = {"size": "%d MB" % megabytes, "files": files, "mb": mb}
    for tagged in (False, True):
        key = "tagged" if tagged else "untagged"
        index = os.path.join(work, "index-%d-%s" % (megabytes, key))
        shutil.rmtree(index, ignore_errors=True)
        cmd = [args.bin, "index", corpus, "--index", index]
        if not tagged:
            cmd.append("--no-tags")
        # Best of two runs: this machine is shared and a single run can be 20% off.
        runs = []
        for _ in range(args.index_runs):
            shutil.rmtree(index, ignore_errors=True)
            runs.append(timed(cmd))
        seconds = min(r[0] for r in runs)
        rss = max((r[1] for r in runs if r[1]), default=None)
        stderr = runs[-1][2]
        row["paragraphs"] = paragraphs_of(stderr)
        row[key] = {"seconds": seconds, "rss_mb": rss / 1024 if rss else None,
                    "index_ratio": folder_bytes(index) / size}
        row["index"] = index
    bare = os.path.join(work, "bare-%d" % megabytes)
    shutil.rmtree(bare, ignore_errors=True)
    out = run([args.bare, corpus, bare], stdout=subprocess.PIPE, text=True).stdout
    row["bare_mb_s"] = float(re.search(r"([\d.]+) MB/s", out).group(1))
    shutil.rmtree(bare, ignore_errors=True)

    index = row["index"]
    queries = query_set(args.queries)
    row["whole"], row["search_rss_kb"] = whole_process(args.bin, index, queries, args.runs)
    row["in_process"] = in_process(args.latency, index, queries, args.runs, work)
    row["rg"] = None if args.no_rg else ripgrep(corpus, queries)

    paths = corpus_files(corpus)
    rnd = random.Random(megabytes)
    one = rnd.choice(paths)
    row["touch_one"] = reindex_after(args.bin, corpus, index, lambda: os.utime(one))
    some = rnd.sample(paths, max(1, len(paths) // 100))

    def edit_some():
        for path in some:
            with open(path, "a", encoding="utf-8") as f:
                f.write("\nAn added paragraph about copper prices.\n")
    row["change_1pct"] = reindex_after(args.bin, corpus, index, edit_some)
    row["watch_edit"] = (edit_to_searchable(args.bin, corpus, index, paths, args.edits, rnd)
                         if args.edits else None)
    return row


def fmt(x, digits=1):
    return "-" if x is None else ("%.*f" % (digits, x))


def table(rows, machine):
    lines = ["Machine: " + machine, ""]
    head = "| measure | " + " | ".join(r["size"] for r in rows) + " |"
    lines += [head, "|---|" + "---|" * len(rows)]

    def line(name, values):
        lines.append("| %s | %s |" % (name, " | ".join(values)))
    line("files / paragraphs", ["%d / %d" % (r["files"], r["paragraphs"]) for r in rows])
    for key in ("untagged", "tagged"):
        line("index %s: s" % key, [fmt(r[key]["seconds"], 2) for r in rows])
        line("index %s: MB/s" % key, [fmt(r["mb"] / r[key]["seconds"]) for r in rows])
        line("index %s: paragraphs/s" % key,
             ["%.0f" % (r["paragraphs"] / r[key]["seconds"]) for r in rows])
        line("index %s: peak RSS MB" % key, [fmt(r[key]["rss_mb"], 0) for r in rows])
        line("index %s: size / corpus" % key, [fmt(r[key]["index_ratio"], 2) for r in rows])
    line("tagging keeps (of untagged MB/s)",
         ["%.0f%%" % (100 * r["untagged"]["seconds"] / r["tagged"]["seconds"]) for r in rows])
    line("bare tantivy: MB/s", [fmt(r["bare_mb_s"]) for r in rows])
    line("dossier tagged / bare tantivy",
         ["%.0f%%" % (100 * r["mb"] / r["tagged"]["seconds"] / r["bare_mb_s"]) for r in rows])
    line("dossier untagged / bare tantivy",
         ["%.0f%%" % (100 * r["mb"] / r["untagged"]["seconds"] / r["bare_mb_s"]) for r in rows])
    for cls in ("plain", "phrase", "company", "topic", "facets"):
        line("search %s, whole process p50/p95/p99 ms" % cls,
             ["/".join(fmt(x) for x in r["whole"][cls]) for r in rows])
    for cls in ("plain", "phrase", "company", "topic", "facets"):
        line("search %s, in process p50/p95/p99 ms" % cls,
             ["/".join(fmt(x, 2) for x in r["in_process"][cls]) for r in rows])
    line("search peak RSS MB", [fmt(r["search_rss_kb"] / 1024, 0) for r in rows])
    line("rg -i -c (plain queries) p50/p95/p99 ms",
         ["/".join(fmt(x) for x in r["rg"]) if r["rg"] else "-" for r in rows])
    line("re-index after touching 1 file: s", [fmt(r["touch_one"][0], 2) for r in rows])
    line("re-index after editing 1% of files: s", [fmt(r["change_1pct"][0], 2) for r in rows])
    line("edit to searchable with `dossier watch`: p50 / slowest s",
         ["%s / %s" % (fmt(r["watch_edit"][0], 2), fmt(r["watch_edit"][1], 2))
          if r["watch_edit"] else "-" for r in rows])
    return "\n".join(lines)


def machine():
    cores = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GB RAM" % (int(f.readline().split()[1]) / 1e6)
    except OSError:
        pass
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return "%s, %d cores, %s, %s" % (model or platform.processor(), cores, mem, platform.platform())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000", help="corpus sizes in MB, comma-separated")
    ap.add_argument("--queries", type=int, default=len(QUERIES), help="queries per class")
    ap.add_argument("--runs", type=int, default=3, help="runs of each query")
    ap.add_argument("--index-runs", type=int, default=2, help="indexing runs (the best counts)")
    ap.add_argument("--bin", help="dossier binary (default: build and use the release one)")
    ap.add_argument("--examples", help="folder of the bare_tantivy and search_latency examples")
    ap.add_argument("--no-rg", action="store_true", help="skip the ripgrep baseline")
    ap.add_argument("--edits", type=int, default=5,
                    help="saves timed with `dossier watch` running (0 skips)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench", "work"))
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        sys.exit("bench/scale.py needs %s" % SHARED)
    if not args.bin:
        run(["cargo", "build", "--release", "--quiet", "--examples", "--bins"], cwd=ROOT)
        args.bin = os.path.join(ROOT, "target", "release", "dossier")
        args.examples = args.examples or os.path.join(ROOT, "target", "release", "examples")
    examples = args.examples or os.path.join(os.path.dirname(args.bin), "examples")
    args.bare = os.path.join(examples, "bare_tantivy")
    args.latency = os.path.join(examples, "search_latency")
    if not args.no_rg and not shutil.which("rg"):
        tools = os.path.join(ROOT, "target", "bench-tools")
        if not os.path.exists(os.path.join(tools, "bin", "rg")):
            print("installing ripgrep for the baseline into %s" % tools, file=sys.stderr)
            subprocess.run(["cargo", "install", "ripgrep", "--quiet", "--root", tools])
    os.makedirs(args.work, exist_ok=True)
    sources = articles()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print("benchmarking %d MB ..." % size, file=sys.stderr)
        rows.append(bench_size(size, args, sources, args.work))
    print(table(rows, machine()))


if __name__ == "__main__":
    main()
