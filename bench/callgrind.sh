#!/usr/bin/env bash
# Instructions (valgrind --tool=callgrind, all threads: deterministic where wall time on a
# shared machine is not) of `dossier index` on a sample of English news, for each build
# named, untagged and tagged; with the instructions spent in `split::split` and the size
# of the index. The sample, copied to a temporary folder: every 8th file of
# ../shared/corpora/bbc-news/articles in sorted order (279) and the 1,000 files of
# reuters21578/articles/reut2-000, 1,279 files and 1,556,599 bytes.
# Usage: bench/callgrind.sh BIN...
#   e.g. bench/callgrind.sh /tmp/dossier-main target/release/dossier
set -euo pipefail
corpora=$(cd "$(dirname "$0")/../../shared/corpora" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/sample/bbc" "$work/sample/reuters"
(cd "$corpora/bbc-news/articles" && find . -type f | sort | awk 'NR % 8 == 1') |
  while read -r file; do
    mkdir -p "$work/sample/bbc/$(dirname "$file")"
    cp "$corpora/bbc-news/articles/$file" "$work/sample/bbc/$file"
  done
cp "$corpora"/reuters21578/articles/reut2-000/* "$work/sample/reuters/"

echo "build mode instructions split_instructions index_bytes"
for mode in untagged tagged; do
  for bin in "$@"; do
    flags=()
    [ "$mode" = untagged ] && flags=(--no-tags)
    rm -rf "$work/index"
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bin" index "$work/sample" \
      --index "$work/index" "${flags[@]}" -q 2>"$work/err"
    total=$(grep -o "Collected : [0-9]*" "$work/err" | awk '{print $3}')
    split=$(callgrind_annotate --inclusive=yes "$work/out" 2>/dev/null |
      awk '/dossier::split::split \[/ && !done {gsub(",", "", $1); print $1; done = 1}')
    echo "$bin $mode $total ${split:-?} $(du -sb "$work/index" | cut -f1)"
  done
done
