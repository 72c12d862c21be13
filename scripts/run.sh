#!/usr/bin/env bash
# Builds border-ops and starts it with the demo country on a SQLite file under data/
# (created, migrated and seeded on first start). DATABASE_URL and LEPTOS_SITE_ADDR override.
set -euo pipefail
cd "$(dirname "$0")/.."

# On a first start (no cargo-leptos yet) the server's dependencies compile while the set-up installs the build tools
# (the two are most of the time a fresh machine takes); `cargo leptos build` then reuses them.
# Its errors, if any, are those `cargo leptos build` reports again below. `--split`: each page's
# code is its own part of the bundle, as in the release build (app/src/pages.rs).
if cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  scripts/setup.sh build
else
  cargo build --quiet --no-default-features --bin border-ops >/dev/null 2>&1 &
  warm=$!
  trap 'kill "$warm" 2>/dev/null || true' EXIT
  scripts/setup.sh build
  wait "$warm" || true
  trap - EXIT
fi

# A release build's brotli copies (scripts/precompress.sh) would outlive the files rebuilt here.
rm -f "${LEPTOS_SITE_ROOT:-target/site}"/pkg/*.br
cargo leptos build --split
exec "${CARGO_TARGET_DIR:-target}/debug/border-ops" serve --demo "$@"
