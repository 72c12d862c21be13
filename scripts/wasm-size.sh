#!/usr/bin/env bash
# The WASM bundle's size as served: its bytes, and its bytes compressed by brotli at the
# best quality (11), as a file compressed ahead of serving would be. Node's zlib compresses.
#   scripts/wasm-size.sh FILE [BUDGET_BYTES]   exits 1 when the brotli size is over the budget
set -euo pipefail
file="$1"
budget="${2:-}"
node -e '
  const fs = require("fs"), zlib = require("zlib");
  const raw = fs.readFileSync(process.argv[1]);
  const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  console.log(`wasm_bytes=${raw.length} wasm_brotli_bytes=${br.length}`);
  const budget = Number(process.argv[2] || 0);
  if (budget && br.length > budget) {
    console.error(`the WASM bundle is ${br.length} bytes in brotli, over its budget of ${budget}`);
    process.exit(1);
  }
' "$file" "$budget"
