#!/usr/bin/env bash
# The wall screen's soak (not part of `make test`): starts the server with the demo country
# and its simulation at x60 on a fresh SQLite file, opens /wall in Chromium for MINUTES
# (default 60), samples the JavaScript heap (after a forced garbage collection) and the DOM
# node count every minute, and prints key=value lines. Exits non-zero when the heap or the node
# count ends more than 20% above its start, or the wall is not live at the end.
#
# Usage: scripts/wall-soak.sh [MINUTES]
# Settings: BORDER_OPS_BIN (default target/debug/border-ops, built by `cargo leptos build`),
#           WALL_SOAK_PORT (default 3390), WALL_SOAK_CYCLE (the wall's cycle, default 20),
#           CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${1:-60}"
if ! [[ "$minutes" =~ ^[1-9][0-9]*$ ]]; then
  echo "MINUTES must be a whole number of minutes, 1 or more (got \"$minutes\")" >&2
  exit 2
fi
binary="${BORDER_OPS_BIN:-target/debug/border-ops}"
[[ "$binary" = /* ]] || binary="$root/$binary"
port="${WALL_SOAK_PORT:-3390}"
folder="$(mktemp -d "${TMPDIR:-/tmp}/border-ops-soak-XXXXXX")"
server=""

finish() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill "$server"
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$folder"
}
trap finish EXIT

echo "binary=$binary"
echo "port=$port"
DATABASE_URL="sqlite://$folder/soak.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  "$binary" serve --demo --sim-speed 60 >"$folder/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "error=the server stopped before it was ready" >&2
    cat "$folder/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null
echo "sim_speed=60"

cd "$root/end2end"
WALL_SOAK_URL="http://127.0.0.1:$port" node soak/wall-soak.mjs "$minutes"
