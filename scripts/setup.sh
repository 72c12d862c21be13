#!/usr/bin/env bash
# Installs what building and testing border-ops needs, skipping whatever is already there.
#   scripts/setup.sh build   the Rust toolchain pieces (wasm target, cargo-leptos, wasm-bindgen)
#   scripts/setup.sh release the above, plus wasm-opt (npm package binaryen) for the release site
#   scripts/setup.sh test    the above, plus leptosfmt, Chromium, the end2end and map npm packages,
#                            PostgreSQL (installed and started where this user may do so) and
#                            the API fuzzer
#   scripts/setup.sh fuzzer  only the API fuzzer (Schemathesis, in its own Python environment);
#                            prints the path of its command
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-build}"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# Schemathesis, pinned, in a Python environment of its own outside the clone.
fuzzer_version=4.32.5
fuzzer_env="${XDG_CACHE_HOME:-$HOME/.cache}/border-ops/schemathesis-${fuzzer_version}"
install_fuzzer() {
  if ! "$fuzzer_env/bin/schemathesis" --version 2>/dev/null | grep -q " ${fuzzer_version}\$"; then
    say "installing the API fuzzer (Schemathesis ${fuzzer_version})"
    have python3 || { echo "python3 is needed for the API fuzzer" >&2; exit 1; }
    rm -rf "$fuzzer_env"
    python3 -m venv "$fuzzer_env"
    "$fuzzer_env/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${fuzzer_version}" >&2
  fi
}
if [ "$what" = fuzzer ]; then
  install_fuzzer
  echo "$fuzzer_env/bin/schemathesis"
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  have apt-get || return 1
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The build tools are compiled once, without link-time optimisation and at a lower optimisation
# level than their own release profiles ask for: their work here (bundling, minifying, binding)
# takes seconds either way, and their compilation is most of a first start. They compile side by
# side; a failure of either stops the set-up.
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install --quiet "$@"
}
tools=()
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 (once; about 20 minutes on 2 cores)"
  tool_install cargo-leptos --locked --version 0.3.10 --features no_downloads & tools+=($!)
fi

# wasm-bindgen-cli must match the wasm-bindgen the lock file resolved, exactly.
wbg_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg_version}\$"; then
  say "installing wasm-bindgen-cli ${wbg_version} (once)"
  tool_install wasm-bindgen-cli --version "${wbg_version}" & tools+=($!)
fi
for pid in "${tools[@]}"; do
  wait "$pid" || { echo "a build tool failed to install (its messages are above)" >&2; exit 1; }
done

# wasm-opt, which `cargo leptos build --release` runs on the WASM bundle; scripts/release.sh puts
# this folder's .bin on PATH.
install_wasm_opt() {
  if [ ! -x scripts/release/node_modules/.bin/wasm-opt ] \
    || [ scripts/release/package-lock.json -nt scripts/release/node_modules/.package-lock.json ]; then
    say "installing wasm-opt (npm package binaryen)"
    (cd scripts/release && npm ci --no-audit --no-fund)
  fi
}
if [ "$what" = release ]; then
  install_wasm_opt
  exit 0
fi

[ "$what" = test ] || exit 0
install_wasm_opt

if ! have leptosfmt; then
  say "installing leptosfmt"
  cargo install leptosfmt --locked --version 0.1.33
fi

if ! have chromium; then
  say "installing Chromium"
  apt_install chromium || { echo "Chromium is missing and cannot be installed here: install Debian's chromium" >&2; exit 1; }
fi

if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing the end-to-end test packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi

# The map's outline is committed; its projection script and data are installed to check that
# the committed file is still what the script makes (end2end/tests/map.spec.ts).
if [ ! -d scripts/map/node_modules ] || [ scripts/map/package-lock.json -nt scripts/map/node_modules/.package-lock.json ]; then
  say "installing the map's projection script packages"
  (cd scripts/map && npm ci --no-audit --no-fund)
fi

if ! have pg_ctlcluster && [ -z "${TEST_POSTGRES_URL:-}" ]; then
  say "installing PostgreSQL"
  apt_install postgresql || echo "PostgreSQL cannot be installed here; its tests will be skipped" >&2
fi

# The deployment's nginx configuration is checked with Debian's nginx (tests/api/production.rs).
if ! have nginx && ! [ -x /usr/sbin/nginx ]; then
  say "installing nginx"
  apt_install nginx || echo "nginx cannot be installed here; its checks will be skipped" >&2
fi

install_fuzzer
