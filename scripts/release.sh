#!/usr/bin/env bash
# The release build of the whole site: the server with link-time optimisation
# (target/release/border-ops) and the WASM bundle at the size profile `wasm-release`, optimised
# by wasm-opt and split by page (app/src/pages.rs), with the script and stylesheet minified
# (target/site). Installs what it needs first. Prints the bundle's size as `key=value` figures.
#   scripts/release.sh                  everything (the server's build takes most of half an hour)
#   scripts/release.sh --frontend-only  only the site (a few minutes), for its size
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
# Views type-erased (Leptos's `erase_components`), in the server and the WASM alike, as the two
# must agree: the bundle is a third smaller (5.3 MB to 3.6 MB before compression).
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components"
PATH="$PWD/scripts/release/node_modules/.bin:$PATH" cargo leptos build --release --split "$@"
scripts/precompress.sh "${LEPTOS_SITE_ROOT:-target/site}/pkg"
scripts/wasm-size.sh "${LEPTOS_SITE_ROOT:-target/site}/pkg/border-ops.wasm"
