#!/usr/bin/env bash
# Fuzzes every operation of the JSON API from its own OpenAPI document: Schemathesis generates
# random and boundary values for every path, query and body the document describes, and sends
# them to a real server (the built binary, on a fresh SQLite database with a small demo
# country) as each role in turn. Any answer of 5xx, and any panic in the server's log, fails.
#
#   scripts/fuzz.sh            25 cases per operation and role, a fixed seed (what `make test` runs)
#   scripts/fuzz.sh 1000       1,000 cases per operation and role, a new seed each run
#
# A failure prints the request that caused it (as a curl command) and the seed that
# reproduces it: `FUZZ_SEED=<seed> scripts/fuzz.sh 1000`.
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${1:-25}"
if ! [[ "$examples" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [CASES per operation and role, a whole number above 0]" >&2
  exit 2
fi
# The short run is the same every time; a longer one explores (unless FUZZ_SEED is given).
seed="${FUZZ_SEED:-}"
if [ -z "$seed" ] && [ -z "${1:-}" ]; then seed=2026; fi
bin="${BORDER_OPS_BIN:-${CARGO_TARGET_DIR:-target}/debug/border-ops}"
if [ ! -x "$bin" ]; then
  echo "no server binary at $bin: build it first (cargo build, or make test)" >&2
  exit 2
fi
schemathesis="$(scripts/setup.sh fuzzer)"

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$work/fuzz.db"
export RUST_LOG="warn"
"$bin" seed --demo --shipments 2000 >/dev/null
roles=(supervisor analyst viewer admin)
for role in "${roles[@]}"; do
  "$bin" user add --username "fuzz.$role" --role "$role" --display-name "Fuzz $role" >/dev/null
  "$bin" token issue --username "fuzz.$role" --label fuzz >"$work/token.$role"
done

LEPTOS_SITE_ADDR=127.0.0.1:0 "$bin" serve >"$work/serve.log" 2>&1 &
server=$!
address=""
for _ in $(seq 1 100); do
  address="$(sed -n 's/^border-ops listening on \(http:[^ ]*\)$/\1/p' "$work/serve.log")"
  [ -n "$address" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$address" ] || { echo "the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

status=0
for role in "${roles[@]}"; do
  echo "fuzzing the API as $role, ${examples} cases per operation, against $address"
  log="$work/fuzz.$role.log"
  # The live stream never ends by design; every other operation is fuzzed. One worker: the
  # generator describes its strategies by parsing Python source, and Python 3.11's parser is
  # not safe to run from two threads at once ("AST constructor recursion depth mismatch").
  result=0
  (cd "$work" && "$schemathesis" run "$address/api/v1/openapi.json" \
    --header "Authorization: Bearer $(cat "$work/token.$role")" \
    --checks not_a_server_error \
    --exclude-path /api/v1/live \
    --max-examples "$examples" --workers 1 --request-timeout 10 \
    --generation-database none --no-color ${seed:+--seed "$seed"}) >"$log" 2>&1 || result=$?
  grep -E 'generated, |^Seed:' "$log" || true
  if [ "$result" = 0 ]; then continue; fi
  # A fault of the server is reported under FAILURES. The generator itself sometimes gives up
  # on a schema ("Inconsistent results", a Hypothesis flake in making a value, no request
  # involved): that is said, not counted against the server, unless something else failed.
  if ! grep -q '= FAILURES =' "$log" && grep -q 'Inconsistent results' "$log" \
    && [ "$(grep -c '^Runtime Error$' "$log")" = "$(grep -c '^Inconsistent results' "$log")" ]; then
    echo "note: the fuzzer could not generate some values for $role (Inconsistent results); no server fault"
    continue
  fi
  cat "$log"
  status=1
  break
done

if grep -q 'panicked' "$work/serve.log"; then
  echo "the server panicked while being fuzzed:" >&2
  grep -A5 'panicked' "$work/serve.log" >&2
  status=1
fi
if [ "$status" = 0 ]; then
  echo "fuzz: no server error in ${#roles[@]} roles x ${examples} cases per operation"
fi
exit "$status"
