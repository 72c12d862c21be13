#!/usr/bin/env bash
# Every check and every test: formatting, lints for both features, unit and integration tests
# on SQLite and PostgreSQL, then the end-to-end tests in Chromium. Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
scripts/setup.sh test

target="${CARGO_TARGET_DIR:-target}"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  if url="$(scripts/postgres.sh)"; then
    export TEST_POSTGRES_URL="$url"
  elif [ "${CI:-}" = true ]; then
    echo "PostgreSQL is required under CI=true and could not be started" >&2
    exit 1
  else
    echo "PostgreSQL is not available: its half of the integration suite will be skipped" >&2
  fi
fi

step "formatting (rustfmt, leptosfmt)"
cargo fmt --all --check
leptosfmt --quiet --check app/src src

step "structure (imports run one way, files a reader can hold in mind) and append-only migrations"
python3 scripts/check-structure.py --self-test
python3 scripts/check-structure.py
scripts/check-migrations.sh

step "strings people read are in the catalogue (English and French)"
python3 scripts/check-strings.py --self-test
python3 scripts/check-strings.py

step "clippy, server build (ssr)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy, browser build (hydrate)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

step "unit and integration tests (SQLite${TEST_POSTGRES_URL:+ and PostgreSQL})"
cargo test --workspace 2>&1 | tee "$logs/cargo.log"

step "building the site (server and WASM)"
# A release build's brotli copies (scripts/precompress.sh) would outlive the files rebuilt here.
rm -f "${LEPTOS_SITE_ROOT:-target/site}"/pkg/*.br
cargo leptos build --split

step "end-to-end tests in Chromium"
export BORDER_OPS_BIN="$target/debug/border-ops"
(cd end2end && npx playwright test) 2>&1 | tee "$logs/e2e.log"

step "fuzzing the JSON API from its OpenAPI document"
scripts/fuzz.sh

# Into a folder of its own: the site under target/ stays the debug one the debug binary serves.
# The budget is the bundle every page loads before its own part (README, The release build).
step "the release site (scripts/release.sh --frontend-only): WASM bundle under 400 KB in brotli"
LEPTOS_SITE_ROOT="$logs/release-site" scripts/release.sh --frontend-only
scripts/wasm-size.sh "$logs/release-site/pkg/border-ops.wasm" $((400 * 1000))

# Sum the "N passed" / "N failed" counts a runner printed (none printed counts as 0).
count() { { grep -ho "$1" "$2" || true; } | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(( $(count '[0-9]\+ passed' "$logs/cargo.log") + $(count '^ *[0-9]\+ passed' "$logs/e2e.log") ))
failed=$(( $(count '[0-9]\+ failed' "$logs/cargo.log") + $(count '^ *[0-9]\+ failed' "$logs/e2e.log") ))
echo
echo "summary: ${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
