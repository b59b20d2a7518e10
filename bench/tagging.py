#!/usr/bin/env python3
"""Tagging quality in one table: dev, seed, tune and holdout F1, and the company audit.

Usage: bench/tagging.py [--bin PATH] [--no-audit] [--no-throughput]

- dev and seed: ../shared/eval/tagging/score.py on dev.jsonl and seed.jsonl;
- tune and holdout: bench/holdout/score.py (240 paragraphs drawn like dev's, annotated
  blind; rules are never changed because of a holdout error);
- audit: bench/audit/draw.py draws 10 paragraphs of each of the 100 companies
  `dossier companies` lists first on ../shared/corpora, and bench/audit/score.py prints
  the share judged right and the duplicates in that list (paragraphs drawn anew by a
  changed tagger have no judgment yet and are counted as such), then the filter audit of
  12 companies (bench/audit/filter.py: precision and recall of `--company`);
- throughput: tagged indexing of ../shared/corpora with the same build, in MB/s.
"""
import argparse, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EVAL = os.path.join(ROOT, "..", "shared", "eval", "tagging")


def last_line(command):
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed: {out.stderr.strip()[-500:]}")
    return [line for line in out.stdout.splitlines() if line.strip()]


def figures(line):
    found = re.search(r"companies P ([\d.]+) R ([\d.]+) F1 ([\d.]+)\s+topics P ([\d.]+) "
                      r"R ([\d.]+) F1 ([\d.]+)", line)
    return found.groups() if found else None


def throughput(binary):
    """Tagged indexing of ../shared/corpora from scratch (best of two runs), in MB/s of the
    files read; bench/scale.py measures the same at 100 MB and 1 GB."""
    import tempfile, time
    corpora = os.path.join(ROOT, "..", "shared", "corpora")
    size = sum(os.path.getsize(os.path.join(folder, name))
               for folder, _, names in os.walk(corpora) for name in names
               if name.endswith((".txt", ".md")))
    best = None
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            subprocess.run([binary, "index", corpora, "--index", os.path.join(tmp, "idx"),
                            "--quiet"], check=True, cwd=ROOT)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
    mb = size / 1e6
    return f"throughput  tagged indexing of ../shared/corpora: {mb:.0f} MB in {best:.1f} s = {mb / best:.1f} MB/s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "dossier"))
    parser.add_argument("--no-audit", action="store_true", help="skip the company audit")
    parser.add_argument("--no-throughput", action="store_true",
                        help="skip the tagged indexing throughput")
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} does not exist; run `cargo build --release` first")
    rows = []
    for name in ("dev", "seed"):
        lines = last_line([sys.executable, os.path.join(EVAL, "score.py"),
                           os.path.join(EVAL, f"{name}.jsonl"), "--bin", args.bin])
        rows.append((name, re.search(r"paragraphs (\d+)", lines[-1]).group(1),
                     figures(lines[-1])))
    lines = last_line([sys.executable, os.path.join(HERE, "holdout", "score.py"), "--bin",
                       args.bin, "--split", "both"])
    for line in lines:
        split = line.split()[0]
        if split in ("tune", "holdout"):
            rows.append((split, re.search(r"paragraphs (\d+)", line).group(1), figures(line)))
    print(f"{'set':<8} {'paragraphs':>10}  {'companies P/R/F1':>20}  {'topics P/R/F1':>20}")
    for name, count, (cp, cr, cf, tp, tr, tf) in rows:
        print(f"{name:<8} {count:>10}  {cp:>6} {cr:>6} {cf:>6}  {tp:>6} {tr:>6} {tf:>6}")
    if not args.no_throughput:
        print(throughput(args.bin))
    if not args.no_audit:
        subprocess.run([sys.executable, os.path.join(HERE, "audit", "draw.py"), "--bin",
                        args.bin], check=True, cwd=ROOT)
        print(last_line([sys.executable, os.path.join(HERE, "audit", "score.py")])[-1])
        print(last_line([sys.executable, os.path.join(HERE, "audit", "filter.py"), "--bin",
                         args.bin])[-1])


if __name__ == "__main__":
    main()
