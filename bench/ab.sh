#!/usr/bin/env bash
# A/B of two dossier builds' indexing on one corpus: the builds alternate run by run (this
# machine is shared, and a slow spell then hits both alike), tagged and untagged. Prints
# each run, then per build and mode the best and median wall time, the median CPU time
# (user + system: steadier than wall time on a loaded machine) and the median index size.
# Usage: bench/ab.sh BIN_A BIN_B CORPUS [RUNS]
#   e.g. bench/ab.sh /tmp/dossier-main target/release/dossier target/bench/corpus-100mb 3
# (`python3 bench/scale.py --sizes 100` builds the 100 MB corpus under target/bench/.)
set -euo pipefail
a=$1 b=$2 corpus=$3 runs=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "build mode run wall_s cpu_s index_bytes"
for round in $(seq "$runs"); do
  for mode in tagged untagged; do
    for side in A B; do
      bin=$a
      [ "$side" = B ] && bin=$b
      flags=()
      [ "$mode" = untagged ] && flags=(--no-tags)
      index="$work/$side-$mode"
      rm -rf "$index"
      start=$(date +%s.%N)
      /usr/bin/time -f "%U %S" -o "$work/time" "$bin" index "$corpus" --index "$index" \
        "${flags[@]}" 2>"$work/log"
      end=$(date +%s.%N)
      cpu=$(awk '{print $1 + $2}' "$work/time")
      bytes=$(du -sb "$index" | cut -f1)
      printf '%s %s %s %.2f %.2f %s\n' "$side" "$mode" "$round" "$(echo "$end - $start" | bc)" \
        "$cpu" "$bytes" | tee -a "$work/runs"
    done
  done
done

median() { # column: the median of that column of the rows on stdin
  cut -d' ' -f"$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
echo
printf '%-6s %-9s %8s %10s %10s %14s\n' build mode best_s median_s median_cpu median_bytes
for mode in tagged untagged; do
  for side in A B; do
    rows=$(awk -v s="$side" -v m="$mode" '$1 == s && $2 == m {print $4, $5, $6}' "$work/runs")
    printf '%-6s %-9s %8.2f %10.2f %10.2f %14d\n' "$side" "$mode" \
      "$(echo "$rows" | cut -d' ' -f1 | sort -n | head -1)" \
      "$(echo "$rows" | median 1)" "$(echo "$rows" | median 2)" "$(echo "$rows" | median 3)"
  done
done
