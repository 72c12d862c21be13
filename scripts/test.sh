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

# The site `make run` serves: the debug server and the debug bundle, split by page as in release.
step "building the debug site (server and WASM)"
# A release build's brotli copies (scripts/precompress.sh) would outlive the files rebuilt here.
rm -f "${LEPTOS_SITE_ROOT:-target/site}"/pkg/*.br
cargo leptos build --split

step "fuzzing the JSON API from its OpenAPI document"
BORDER_OPS_BIN="$target/debug/border-ops" scripts/fuzz.sh

# Into a folder of its own: the site under target/ stays the debug one the debug binary serves.
# The budget is the bundle every page loads before its own part (README, The release build).
step "the release site (scripts/release.sh --frontend-only): WASM bundle under 400 KB in brotli"
release_site="$logs/release-site"
LEPTOS_SITE_ROOT="$release_site" scripts/release.sh --frontend-only
scripts/wasm-size.sh "$release_site/pkg/border-ops.wasm" $((400 * 1000))

# The end-to-end tests run in the browser the bundle that ships. A release bundle hydrates only
# pages written by a server built without debug assertions (they change the markers it writes
# for hydration), and with the same `erase_components` as scripts/release.sh: the profile `e2e`
# is that server at the debug build's speed of compiling (Cargo.toml).
step "the server for the release site (cargo build --profile e2e)"
RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components" cargo build --profile e2e -p border-ops

# Each end-to-end stage runs even when one before it failed, so that one run reports them all;
# a failed stage fails the whole at the end.
e2e_failed=0
# e2e LOG VAR=VALUE… COMMAND…: runs in end2end/ with those variables, its output also in LOG.
e2e() {
  local log="$1"
  shift
  (cd end2end && env "$@") 2>&1 | tee "$log" || e2e_failed=1
}

step "end-to-end tests in Chromium, on the release site"
e2e "$logs/e2e.log" LEPTOS_SITE_ROOT="$release_site" BORDER_OPS_BIN="$target/e2e/border-ops" \
  npx playwright test --grep-invert @quiet

# The tests that time a change reaching a browser within a second (tagged @quiet) run after the
# others, one at a time, on a server of their own: a board in the centre has its machine to
# itself, not a share of two cores with another test's browser (under which the wall's second
# was missed in two full runs of four, while it took 0.4 s in another).
step "end-to-end tests in Chromium, on the release site: a change within a second, one at a time"
e2e "$logs/e2e-quiet.log" LEPTOS_SITE_ROOT="$release_site" BORDER_OPS_BIN="$target/e2e/border-ops" \
  npx playwright test --grep @quiet --workers 1

# The debug bundle differs from the release one in more than speed (its stack, its checks):
# the board's pages load, hydrate and load each other's code in it too.
step "end-to-end tests in Chromium, on the debug site (board.spec.ts)"
e2e "$logs/e2e-debug.log" BORDER_OPS_BIN="$target/debug/border-ops" npx playwright test tests/board.spec.ts

# Sum the "N passed" / "N failed" counts a runner printed (none printed counts as 0).
count() { { grep -ho "$1" "${@:2}" || true; } | awk '{ s += $1 } END { print s + 0 }'; }
e2e_logs=("$logs/e2e.log" "$logs/e2e-quiet.log" "$logs/e2e-debug.log")
passed=$(( $(count '[0-9]\+ passed' "$logs/cargo.log") + $(count '^ *[0-9]\+ passed' "${e2e_logs[@]}") ))
failed=$(( $(count '[0-9]\+ failed' "$logs/cargo.log") + $(count '^ *[0-9]\+ failed' "${e2e_logs[@]}") ))
if [ "$failed" != 0 ] || [ "$e2e_failed" != 0 ]; then
  # What each failed test said first, gathered at the very end where a reader of the log's
  # last lines sees it: the runner's full reports are above.
  step "what the failed end-to-end tests said"
  awk '/^  [0-9]+\) \[/ { shown = 14 } shown > 0 && NF { print; shown-- }' "${e2e_logs[@]}" | cut -c1-240
fi
echo
echo "summary: ${passed} passed, ${failed} failed"
[ "$failed" = 0 ] && [ "$e2e_failed" = 0 ]
