#!/usr/bin/env bash
# Builds border-ops and starts it with the demo country on a SQLite file under data/
# (created, migrated and seeded on first start). DATABASE_URL and LEPTOS_SITE_ADDR override.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
cargo leptos build
exec "${CARGO_TARGET_DIR:-target}/debug/border-ops" serve --demo "$@"
