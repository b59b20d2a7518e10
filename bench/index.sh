#!/usr/bin/env bash
# Indexing and search figures for the release build on seeds/ and ../shared/corpora/.
# Usage: bench/index.sh   (prints one line per measurement; indexes go to a temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/dossier
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

index() { # name dir [index flags...]
  local name=$1 dir=$2 start end
  shift 2
  start=$(date +%s.%N)
  "$bin" index "$dir" --index "$work/$name" "$@" 2>"$work/$name.log"
  end=$(date +%s.%N)
  local bytes
  bytes=$(find "$dir" -type f \( -name '*.txt' -o -name '*.md' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  printf '%-14s %s | wall %.2f s | %.1f MB/s\n' "$name" "$(tail -1 "$work/$name.log" | sed 's/^dossier: //')" \
    "$(echo "$end - $start" | bc)" "$(echo "$bytes / 1000000 / ($end - $start)" | bc -l)"
}

search() { # name args...
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  for _ in $(seq 20); do "$bin" search --index "$work/$name" "$@" >/dev/null || true; done
  end=$(date +%s.%N)
  printf '%-8s search %-45s %.1f ms per run (whole process, mean of 20)\n' "$name" "$*" \
    "$(echo "($end - $start) * 50" | bc -l)"
}

index seeds seeds
search seeds "Alibaba Apple"
if [ -d ../shared/corpora ]; then
  # What tagging costs: the same corpus indexed with and without companies and topics.
  index corpora-untagged ../shared/corpora --no-tags
  index corpora ../shared/corpora
  search corpora "oil prices"
  search corpora "profit" --company "Time Warner"
  search corpora "takeover bid" --topic "mergers and acquisitions"
fi
