#!/usr/bin/env bash
# Incremental re-indexing figures for the release build: a folder of 1,000 real news files
# (the first 1,000 of ../shared/corpora/, copied to a temp folder) indexed once, then
# re-indexed unchanged, after touching one file, after editing one, and after editing 1%.
# Usage: bench/reindex.sh   (DOSSIER_BENCH_FILES=N for another folder size)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/dossier
files=${DOSSIER_BENCH_FILES:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docs"
if [ ! -d ../shared/corpora ]; then
  echo "bench/reindex.sh needs ../shared/corpora" >&2
  exit 2
fi
# The list is written first: `head` closing a pipe early would fail the script.
find ../shared/corpora -name '*.txt' -path '*articles*' | sort >"$work/all"
head -n "$files" "$work/all" | while read -r file; do
  name=${file#../shared/corpora/}
  cp "$file" "$work/docs/${name//\//_}"
done

run() { # label: one re-index; prints its wall time and what it did
  local label=$1 start end
  start=$(date +%s.%N)
  "$bin" index "$work/docs" --index "$work/idx" 2>"$work/log"
  end=$(date +%s.%N)
  printf '%-34s %7.1f ms  %s\n' "$label" "$(echo "($end - $start) * 1000" | bc -l)" \
    "$(tail -1 "$work/log" | sed 's/^.*into [^:]*: //')"
}

edit() { # n: appends a sentence to the first n files
  find "$work/docs" -type f | sort >"$work/list"
  head -n "$1" "$work/list" | while read -r file; do
    echo "An added sentence, edit $RANDOM." >>"$file"
  done
}

echo "folder: $files files, $(du -sh "$work/docs" | cut -f1)"
run "first index"
for i in 1 2 3 4 5; do run "unchanged ($i of 5)"; done
find "$work/docs" -type f | sort >"$work/list"
touch "$(head -n 1 "$work/list")"
run "one file touched, not changed"
edit 1
run "one file edited"
edit $((files / 100))
run "1% of the files edited"
