#!/usr/bin/env python3
"""Load on `dossier serve`: 16 clients for 30 s with wrk against the 100 MB bench index,
once with nothing else running and once while `dossier index` keeps re-indexing the same
index (1% of its files edited before each run, so every run commits and the server reopens
the index). Prints requests/s, p50 and p99 latency and errors of each, and the load
average of the machine (shared: other work skews the figures).

The corpus and index come from bench/scale.py's (target/bench/corpus-100mb); the requests
cycle through scale.py's query set (plain words, phrases, a company filter, a topic filter,
facets). Needs wrk (apt-get install wrk; installed when missing).

Usage: bench/serve.py [--bin target/release/dossier] [--clients 16] [--seconds 30]
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402

ROOT = scale.ROOT

LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"non_2xx": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def search_paths():
    """The API requests of scale.py's query set, one per query and class."""
    paths = []
    for _, args in scale.query_set(len(scale.QUERIES)):
        params = [("q", args[0])]
        rest = args[1:]
        while rest:
            flag = rest.pop(0)
            if flag == "--facets":
                params.append(("facets", "true"))
            else:
                params.append((flag.lstrip("-"), rest.pop(0)))
        paths.append("/api/search?" + urllib.parse.urlencode(params))
    random.Random(7).shuffle(paths)
    return paths


def ensure_wrk():
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "update"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)


def start_server(binary, index):
    server = subprocess.Popen([binary, "serve", "--index", index, "--addr", "127.0.0.1:0"],
                              stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        found = re.search(r"http://[^/]+", line)
        if found:
            # Keep reading stderr, so the server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
            return server, found.group(0)
    raise SystemExit("dossier serve stopped before serving")


def health(base):
    with urllib.request.urlopen(base + "/api/health") as answer:
        return json.load(answer)


def check_answers(base, paths):
    """Every request of the set answers 200 before load is put on."""
    for path in paths:
        with urllib.request.urlopen(base + path) as answer:
            assert answer.status == 200, path


def load(base, paths, clients, seconds, work):
    script = os.path.join(work, "requests.lua")
    with open(script, "w") as f:
        f.write(LUA % ", ".join(json.dumps(p) for p in paths))
    threads = min(clients, 4)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d", "%ds" % seconds,
                          "--timeout", "30s", "-s", script, base],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["errors"] = sum(result[k] for k in ("non_2xx", "connect", "read", "write", "timeout"))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def reindex_loop(binary, corpus, index, stop, runs):
    """Edits 1% of the corpus and re-indexes it, again and again until `stop` is set."""
    files = scale.corpus_files(corpus)
    rnd = random.Random(22)
    while not stop.is_set():
        for path in rnd.sample(files, max(1, len(files) // 100)):
            with open(path, "a", encoding="utf-8") as f:
                f.write("\nAn added paragraph about copper prices, run %d.\n" % len(runs))
        started = time.time()
        subprocess.run([binary, "index", corpus, "--index", index, "--quiet"], check=True)
        runs.append(time.time() - started)


def row(label, result, load_before, load_after, note=""):
    return "| %s | %.0f | %.1f | %.1f | %d | %d | %.2f / %.2f | %s |" % (
        label, result["rps"], result["p50_us"] / 1000, result["p99_us"] / 1000,
        result["requests"], result["errors"], load_before, load_after, note)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", help="dossier binary (default: build and use the release one)")
    ap.add_argument("--mb", type=int, default=100, help="corpus size in MB")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=int, default=30)
    args = ap.parse_args()
    if not args.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
        args.bin = os.path.join(ROOT, "target", "release", "dossier")
    ensure_wrk()
    corpus = scale.build_corpus(args.mb, scale.articles())
    work = os.path.join(ROOT, "target", "bench", "work")
    os.makedirs(work, exist_ok=True)
    index = os.path.join(work, "serve-index-%d" % args.mb)
    if not os.path.exists(os.path.join(index, "meta.json")):
        subprocess.run([args.bin, "index", corpus, "--index", index, "--quiet"], check=True)
    paths = search_paths()
    server, base = start_server(args.bin, index)
    lines = []
    try:
        check_answers(base, paths)
        first = health(base)
        print("index: %d documents, %d paragraphs, generation %s; %d distinct requests"
              % (first["documents"], first["paragraphs"], first["generation"], len(paths)))
        with tempfile.TemporaryDirectory() as scratch:
            before = os.getloadavg()[0]
            idle = load(base, paths, args.clients, args.seconds, scratch)
            lines.append(row("idle", idle, before, os.getloadavg()[0]))
            stop = threading.Event()
            runs = []
            indexer = threading.Thread(target=reindex_loop,
                                       args=(args.bin, corpus, index, stop, runs))
            before = os.getloadavg()[0]
            indexer.start()
            busy = load(base, paths, args.clients, args.seconds, scratch)
            after = os.getloadavg()[0]
            stop.set()
            indexer.join()
            last = health(base)
            note = "%d index runs (%.1f s each), generation %s -> %s" % (
                len(runs), sum(runs) / max(1, len(runs)), first["generation"],
                last["generation"])
            lines.append(row("while re-indexing", busy, before, after, note))
    finally:
        server.terminate()
        server.wait()
    print("| load | requests/s | p50 ms | p99 ms | requests | errors | load avg before / after | |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for line in lines:
        print(line)
    print("(%d clients, %d s each, wrk; %s)" % (args.clients, args.seconds, scale.machine()))


if __name__ == "__main__":
    main()
