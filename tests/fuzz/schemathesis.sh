#!/usr/bin/env bash
# Fuzzes the API of `dossier serve` from its OpenAPI document with schemathesis (from PyPI,
# installed in a virtual environment under target/ when missing): every operation with
# generated valid and invalid parameters, checked for 5xx answers, answers that do not fit
# the document, undocumented status codes and invalid input accepted. Valid input refused
# (positive_data_acceptance) is not checked: a string can be a query the language rejects
# (an unclosed parenthesis) or a company the index does not know, and those are 400s by
# design. The index is tests/fixtures/serve.
# Usage: tests/fuzz/schemathesis.sh [MAX_EXAMPLES]   (default 1000 per operation)
set -euo pipefail
cd "$(dirname "$0")/../.."
examples=${1:-1000}
venv=target/fuzz/venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi
cargo build --quiet
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
target/debug/dossier index tests/fixtures/serve --index "$work/idx" --quiet
target/debug/dossier serve --index "$work/idx" --addr 127.0.0.1:0 2>"$work/log" &
server=$!
for _ in $(seq 100); do grep -q http:// "$work/log" && break; sleep 0.1; done
base=$(grep -o 'http://[^/]*' "$work/log")
"$venv/bin/schemathesis" --version
"$venv/bin/schemathesis" run "$base/api/openapi.json" \
  --checks all --exclude-checks positive_data_acceptance --max-examples "$examples" \
  --continue-on-failure --suppress-health-check all --seed 22 --workers 2 --no-color
# The server survived it all and printed no error of its own.
curl -sf "$base/api/health" >/dev/null
if grep -v '^dossier: serving' "$work/log"; then
  echo "the server printed the lines above during the fuzzing" >&2
  exit 1
fi
