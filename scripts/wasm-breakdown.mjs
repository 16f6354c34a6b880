// Which crates the widget's wasm is made of: reads a wasm built with its name section (the
// shipped one has none), attributes each function body's bytes to the crate its (demangled)
// name starts with, and prints a table, largest first; data segments are one row.
//
//   node scripts/wasm-breakdown.mjs path/to/module_with_names.wasm [top]
import { readFileSync } from "node:fs";

const [path, top = "15"] = process.argv.slice(2);
const bytes = readFileSync(path);
let at = 8; // after the magic number and version

function leb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return result;
  }
}
const name = () => {
  const len = leb();
  const text = bytes.toString("utf8", at, at + len);
  at += len;
  return text;
};

let importedFunctions = 0;
const bodySizes = [];
const names = new Map();
let dataBytes = 0;
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 2) {
    // imports: count functions, they come first in the function index space
    for (let n = leb(); n > 0; n--) {
      name();
      name();
      const kind = bytes[at++];
      if (kind === 0) (leb(), importedFunctions++);
      else if (kind === 1) (at++, bytes[at++] & 1 ? (leb(), leb()) : leb());
      else if (kind === 2) (bytes[at++] & 1 ? (leb(), leb()) : leb());
      else if (kind === 3) at += 2;
      else if (kind === 4) (at++, leb());
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const body = leb();
      bodySizes.push(body);
      at += body;
    }
  } else if (id === 11) {
    dataBytes += size;
  } else if (id === 0 && name() === "name") {
    while (at < end) {
      const sub = bytes[at++];
      const subSize = leb();
      const subEnd = at + subSize;
      if (sub === 1) {
        for (let n = leb(); n > 0; n--) {
          const index = leb();
          names.set(index, name());
        }
      }
      at = subEnd;
    }
  }
  at = end;
}
if (!names.size) throw new Error(`${path} has no name section: build it without --remove-name-section`);

/** Legacy Rust mangling (`_ZN…E`) to `a::b::c`; other names stay as they are. */
function demangle(symbol) {
  if (!symbol.startsWith("_ZN")) return symbol;
  const parts = [];
  let i = 3;
  while (i < symbol.length && symbol[i] !== "E") {
    let digits = "";
    while (/\d/.test(symbol[i])) digits += symbol[i++];
    if (!digits) break;
    parts.push(symbol.slice(i, i + Number(digits)));
    i += Number(digits);
  }
  return parts
    .filter((p) => !/^h[0-9a-f]{16}$/.test(p))
    .join("::")
    .replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$RF\$/g, "&").replace(/\$BP\$/g, "*")
    .replace(/\$u20\$/g, " ").replace(/\$C\$/g, ",").replace(/\.\./g, "::").replace(/\$u7b\$/g, "{").replace(/\$u7d\$/g, "}");
}

/** The first `crate::` of a name: `<&mut serde_json::de::Deserializer as …>` is serde_json's. */
function crateOf(readable) {
  const match = /(?:^|[<\s&(*])_?([a-z][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(readable);
  return match ? match[1] : "(other)";
}

const byCrate = new Map();
bodySizes.forEach((size, i) => {
  const crate = crateOf(demangle(names.get(i + importedFunctions) ?? ""));
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + size);
});
byCrate.set("(data segments: strings, tables)", dataBytes);
const total = [...byCrate.values()].reduce((a, b) => a + b, 0);
const rows = [...byCrate.entries()].sort((a, b) => b[1] - a[1]);
console.log("| crate | code bytes | share |\n|---|---:|---:|");
for (const [crate, size] of rows.slice(0, Number(top))) {
  console.log(`| ${crate} | ${(size / 1024).toFixed(1)} KB | ${((size * 100) / total).toFixed(1)} % |`);
}
const rest = rows.slice(Number(top)).reduce((a, [, s]) => a + s, 0);
if (rest) console.log(`| ${rows.length - Number(top)} more | ${(rest / 1024).toFixed(1)} KB | ${((rest * 100) / total).toFixed(1)} % |`);
console.log(`| **total** (uncompressed, names removed) | ${(total / 1024).toFixed(1)} KB | 100 % |`);
