// Benchmark (not a test): what the widget costs the page it sits on, measured by Lighthouse
// (npm `lighthouse`, performance category, its default mobile profile with simulated
// throttling) in Debian's Chromium. The demo shop's catalogue is audited with and without the
// one-tag install, alternating, and the medians compared: score, total blocking time, LCP,
// CLS and bytes transferred.
// Usage: node tests/bench/page-impact.mjs [runs=5]
import { spawn } from "node:child_process";
import lighthouse from "lighthouse";
import { relayFixture, startRelay, bootstrap } from "../support/relay.mjs";
import { startShop } from "../support/shop-server.mjs";

const runs = Number(process.argv[2] || 5);
const fixture = relayFixture();
const relay = await startRelay(fixture, 8819);
await bootstrap(relay, fixture);
const shop = await startShop(8820, relay.origin);

/** Debian's Chromium with a DevTools port for Lighthouse; resolves once it listens. */
function startChromium() {
  const chromium = spawn(process.env.CHROMIUM || "/usr/bin/chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--remote-debugging-port=0", "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    chromium.stderr.on("data", (chunk) => {
      seen += chunk;
      const port = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(seen)?.[1];
      if (port) resolve({ port: Number(port), stop: () => chromium.kill() });
    });
    chromium.on("exit", (code) => reject(new Error(`chromium exited (${code}): ${seen}`)));
  });
}

const METRICS = {
  score: (lhr) => lhr.categories.performance.score * 100,
  tbt: (lhr) => lhr.audits["total-blocking-time"].numericValue,
  lcp: (lhr) => lhr.audits["largest-contentful-paint"].numericValue,
  observedLcp: (lhr) => lhr.audits.metrics.details.items[0].observedLargestContentfulPaint,
  cls: (lhr) => lhr.audits["cumulative-layout-shift"].numericValue,
  bytes: (lhr) => lhr.audits["total-byte-weight"].numericValue,
};
const results = { with: [], without: [] };
const chromium = await startChromium();
try {
  for (let i = 0; i < runs; i++) {
    // Alternating which goes first, so neither always meets a cold connection.
    for (const variant of i % 2 ? ["without", "with"] : ["with", "without"]) {
      const url = `${shop.origin}/index.html${variant === "without" ? "?widget=off" : ""}`;
      const { lhr } = await lighthouse(url, { port: chromium.port, logLevel: "error", onlyCategories: ["performance"] });
      if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.message}`);
      results[variant].push(Object.fromEntries(Object.entries(METRICS).map(([k, f]) => [k, f(lhr)])));
    }
  }
} finally {
  chromium.stop();
  await shop.stop();
  await relay.stop();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [
  ["performance score", "score", (v) => v.toFixed(0), "≤ 1 point"],
  ["total blocking time", "tbt", (v) => `${v.toFixed(0)} ms`, "≤ 10 ms"],
  ["largest contentful paint (simulated slow 4G)", "lcp", (v) => `${v.toFixed(0)} ms`, ""],
  ["LCP observed on this machine (no throttling)", "observedLcp", (v) => `${v.toFixed(0)} ms`, ""],
  ["cumulative layout shift", "cls", (v) => v.toFixed(3), "0"],
  ["bytes transferred", "bytes", (v) => `${(v / 1024).toFixed(1)} KB`, ""],
];
console.log(`Lighthouse medians of ${runs} runs each (mobile profile, simulated throttling)`);
console.log("| measure | without the tag | with the tag | delta | target |");
console.log("|---|---:|---:|---:|---|");
for (const [label, key, show, target] of rows) {
  const without = median(results.without.map((r) => r[key]));
  const withTag = median(results.with.map((r) => r[key]));
  const delta = withTag - without;
  console.log(`| ${label} | ${show(without)} | ${show(withTag)} | ${delta >= 0 ? "+" : ""}${show(delta)} | ${target} |`);
}
