// Prints what the widget and console transfer: raw, gzip and brotli bytes of each file, and
// writes the same as JSON to dist/size-report.json for the README and for budget checks.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const files = {
  "loader (widget.js)": "dist/public/widget.js",
  "page module JS glue": "dist/public/widget/page.js",
  "page module wasm": "dist/public/widget/page_bg.wasm",
  "chat window JS glue": "dist/public/widget/widget.js",
  "chat window wasm": "dist/public/widget/widget_bg.wasm",
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
// What a page costs: every page fetches the loader and the page module; the chat window comes
// only when the visitor reaches for it (or has a conversation under way).
const sum = (name, parts) => {
  const total = (key) => parts.reduce((n, r) => n + r[key], 0);
  return { name, path: "", raw: total("raw"), gzip: total("gzip"), brotli: total("brotli") };
};
const pageView = sum("page view (loader + page module)", rows.slice(0, 3));
const openChat = sum("open chat (page view + chat window)", rows.slice(0, 5));
rows.push(pageView, openChat);

const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log("| file | raw | gzip | brotli |\n|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
writeFileSync("dist/size-report.json", JSON.stringify(rows, null, 2) + "\n");

// Budgets (brotli bytes), checked on full builds (FAST=1 skips wasm-opt, so its sizes differ).
// The page view's 45 KB holds the site's config too (tests/bench measures it all-in), so the
// code's own ceiling leaves it room. The open chat's target is 120 KB; until the window gets
// there, its ceiling is a ratchet a little above today's size, so it cannot grow unnoticed.
// Moved on purpose, by what features of issue 21 measured: 195 -> 196.2 KB for automatic
// answers (the bot's answer and its "Was this helpful?" in the window: +1.1 KB; lol_alloc
// instead of dlmalloc in the window was measured for it, saved 0.3 KB, and was not kept
// without a benchmark of a free list under a long chat), then -> 196.6 KB for invitations that
// name a department and device conditions (+0.3 KB; the relay settles device conditions itself
// so the page reads none of them).
const budgets = {
  "loader (widget.js)": 3 * 1024,
  "page view (loader + page module)": 45 * 1024,
  "open chat (page view + chat window)": 196.6 * 1024,
};
if (process.env.FAST !== "1") {
  const over = rows.filter((r) => budgets[r.name] !== undefined && r.brotli > budgets[r.name]);
  for (const r of over) console.error(`size budget exceeded: ${r.name} is ${kb(r.brotli)} brotli, budget ${kb(budgets[r.name])}`);
  if (over.length) process.exit(1);
}
