// Prints what the widget and console transfer: raw, gzip and brotli bytes of each file, and
// writes the same as JSON to dist/size-report.json for the README and for budget checks.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const files = {
  "loader (widget.js)": "dist/public/widget.js",
  "widget JS glue": "dist/public/widget/widget.js",
  "widget wasm": "dist/public/widget/widget_bg.wasm",
  "console JS glue": "dist/public/console/console.js",
  "console wasm": "dist/public/console/console_bg.wasm",
};

const rows = Object.entries(files).map(([name, path]) => {
  const bytes = readFileSync(path);
  return {
    name,
    path,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
});
const widget = rows.slice(0, 3);
const total = (key) => widget.reduce((sum, r) => sum + r[key], 0);
rows.push({ name: "widget total (loader + glue + wasm)", path: "", raw: total("raw"), gzip: total("gzip"), brotli: total("brotli") });

const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log("| file | raw | gzip | brotli |\n|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
writeFileSync("dist/size-report.json", JSON.stringify(rows, null, 2) + "\n");

// Budgets (brotli bytes), checked on full builds (FAST=1 skips wasm-opt, so its sizes differ).
// The loader's is the size issue's own. The widget's target there is 120 KB; until the widget
// gets there, its ceiling is a ratchet a little above today's 202.1 KB (room for toolchain
// differences between machines), so it cannot grow unnoticed.
const budgets = {
  "loader (widget.js)": 3 * 1024,
  "widget total (loader + glue + wasm)": 210 * 1024,
};
if (process.env.FAST !== "1") {
  const over = rows.filter((r) => budgets[r.name] !== undefined && r.brotli > budgets[r.name]);
  for (const r of over) console.error(`size budget exceeded: ${r.name} is ${kb(r.brotli)} brotli, budget ${kb(budgets[r.name])}`);
  if (over.length) process.exit(1);
}
