#!/usr/bin/env bash
# The WASM bundle's size as served: its bytes, and its bytes compressed by brotli at the
# best quality (11), as a file compressed ahead of serving would be. Node's zlib compresses.
#
# A site built with `--split` (scripts/release.sh) has the bundle every page loads, FILE, and
# each page's own parts, named in `__wasm_split_manifest.json` beside it. Then it also prints
# what the first visit to the heaviest page downloads: the bundle, the page's own file and the
# parts it shares with other pages, each file compressed on its own as it is served.
#   scripts/wasm-size.sh FILE [BUDGET_BYTES]   exits 1 when FILE's brotli size is over the budget
set -euo pipefail
file="$1"
budget="${2:-}"
node -e '
  const fs = require("fs"), path = require("path"), zlib = require("zlib");
  const [file, budgetText] = process.argv.slice(1);
  const brotli = (f) => zlib.brotliCompressSync(fs.readFileSync(f), {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  const raw = fs.statSync(file).size;
  const br = brotli(file);
  const figures = [`wasm_bytes=${raw}`, `wasm_brotli_bytes=${br}`];
  const dir = path.dirname(file);
  const manifestFile = path.join(dir, "__wasm_split_manifest.json");
  if (fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    const sizes = new Map();
    const size = (name) => {
      if (!sizes.has(name)) sizes.set(name, brotli(path.join(dir, `${name}.wasm`)));
      return sizes.get(name);
    };
    let heaviest = null;
    for (const [split, chunks] of Object.entries(manifest)) {
      const own = `split_${split}`;
      const names = fs.existsSync(path.join(dir, `${own}.wasm`)) ? [own, ...chunks] : chunks;
      const bytes = names.reduce((sum, name) => sum + size(name), 0);
      if (!heaviest || bytes > heaviest.bytes) heaviest = { split, bytes, files: names.length };
    }
    const all = fs.readdirSync(dir).filter((f) => f.endsWith(".wasm"));
    const allBytes = all.reduce((sum, f) => sum + brotli(path.join(dir, f)), 0);
    // The split names carry a hash after the route name: `__port_view_7189843583503154935`.
    const page = heaviest ? heaviest.split.replace(/^_+/, "").replace(/_\d+$/, "") : "none";
    figures.push(
      `split_files=${all.length}`,
      `split_all_brotli_bytes=${allBytes}`,
      `heaviest_page=${page}`,
      `heaviest_page_own_brotli_bytes=${heaviest ? heaviest.bytes : 0}`,
      `heaviest_page_files=${heaviest ? heaviest.files + 1 : 1}`,
      `heaviest_first_visit_brotli_bytes=${br + (heaviest ? heaviest.bytes : 0)}`,
    );
  }
  console.log(figures.join(" "));
  const budget = Number(budgetText || 0);
  if (budget && br > budget) {
    console.error(`the WASM bundle is ${br} bytes in brotli, over its budget of ${budget}`);
    process.exit(1);
  }
' "$file" "$budget"
