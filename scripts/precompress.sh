#!/usr/bin/env bash
# Writes a brotli copy (quality 11) beside each script, stylesheet and WASM file of a site's
# bundle folder, which the server sends to browsers that take brotli instead of compressing
# the file again for each of them. Run by scripts/release.sh after each build; the debug
# builds (`make run`, `make test`) remove the copies first, so that none outlives its file.
#   scripts/precompress.sh PKG_DIR
set -euo pipefail
node -e '
  const fs = require("fs"), path = require("path"), zlib = require("zlib");
  const dir = process.argv[1];
  let files = 0, bytes = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(wasm|js|css)$/.test(name)) continue;
    const br = zlib.brotliCompressSync(fs.readFileSync(path.join(dir, name)), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
    });
    fs.writeFileSync(path.join(dir, `${name}.br`), br);
    files += 1;
    bytes += br.length;
  }
  console.log(`precompressed_files=${files} precompressed_bytes=${bytes}`);
' "$1"
