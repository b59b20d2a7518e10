#!/usr/bin/env bash
# Paragraphs/s into a real two-node OpenSearch cluster (dossier index --opensearch) against
# the local index, on the same corpus, with the release build.
# Usage: bench/opensearch.sh [DIR]   (default ../shared/corpora; prints one line per figure)
# Starts its own cluster with ../shared/opensearch/cluster.sh under /tmp/cluster-bench-*
# and stops it by PID whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora}
launcher=../shared/opensearch/cluster.sh
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
[ -f "$launcher" ] || { echo "no launcher at $launcher" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/dossier
work=$(mktemp -d /tmp/cluster-bench-XXXXXX)
export OS_DATA=$work/cluster HTTP_PORT=${HTTP_PORT:-9600}
trap 'bash "$launcher" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash "$launcher" start >/dev/null
url=http://127.0.0.1:$HTTP_PORT

paragraphs() { # the report line's "indexed N paragraphs"
  grep -o 'indexed [0-9]* paragraphs' "$1" | tail -1 | grep -o '[0-9]*'
}

timed() { # name command...: wall seconds of one run, stderr kept in $work/name.log
  local name=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" 2>"$work/$name.log"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

local_s=$(timed local "$bin" index "$corpus" --index "$work/idx")
n=$(paragraphs "$work/local.log")
echo "local index:       $n paragraphs in ${local_s} s = $(echo "$n / $local_s" | bc) paragraphs/s"
cluster_s=$(timed cluster "$bin" index "$corpus" --opensearch "$url" --os-index bench)
n=$(paragraphs "$work/cluster.log")
echo "two-node cluster:  $n paragraphs in ${cluster_s} s = $(echo "$n / $cluster_s" | bc) paragraphs/s"
untagged_s=$(timed untagged "$bin" index "$corpus" --opensearch "$url" --os-index bench-untagged --no-tags)
n=$(paragraphs "$work/untagged.log")
echo "cluster, no tags:  $n paragraphs in ${untagged_s} s = $(echo "$n / $untagged_s" | bc) paragraphs/s"
again_s=$(timed again "$bin" index "$corpus" --opensearch "$url" --os-index bench)
echo "cluster, nothing changed: ${again_s} s"
curl -s "$url/_cat/indices/bench*?v&h=index,docs.count,store.size,pri.store.size"
