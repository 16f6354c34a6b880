// Benchmark (not a test): what the widget weighs on a customer's page, in headless Chromium.
//   - a page view: the demo shop from a second origin, left alone for 10 s; every response
//     from the relay (loader, code, config) is summed, its decoded body re-compressed with
//     brotli 11, so `wrangler dev`'s gzip does not distort the figure;
//   - the open chat: then the launcher is clicked and the same sum taken once the window is
//     usable;
//   - the click → window usable, the first time (the window's code not yet fetched), on
//     Lighthouse's slow-4G profile (DevTools throttling: 562.5 ms RTT, 1,474.56 kbit/s down,
//     675 kbit/s up, CPU 4×), the median of N runs. Its yardstick, measured beside it in the
//     same run and profile: fetching the loader (widget.js, 2 KB) from the relay afresh.
// Usage: node tests/bench/weight.mjs [runs=5]
import { brotliCompressSync, constants } from "node:zlib";
import { relayFixture, startRelay, bootstrap } from "../support/relay.mjs";
import { launchBrowser } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const runs = Number(process.argv[2] || 5);
const fixture = relayFixture();
const relay = await startRelay(fixture, 8825);
await bootstrap(relay, fixture);
const shop = await startShop(8826, relay.origin);
const browser = await launchBrowser();

const brotli = (bytes) =>
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1024).toFixed(1) + " KB";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A fresh visitor's page; `ledger` gathers each relay response's path and brotli size. */
async function visit({ throttled = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const ledger = [];
  page.on("response", async (response) => {
    if (!response.url().startsWith(relay.origin) || response.request().method() === "OPTIONS") return;
    const body = await response.body().catch(() => null);
    if (body) ledger.push({ path: new URL(response.url()).pathname, brotli: brotli(body) });
  });
  if (throttled) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 562.5, downloadThroughput: (1474.56 * 1024) / 8, uploadThroughput: (675 * 1024) / 8,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  }
  await page.goto(`${shop.origin}/index.html`);
  return { page, context, ledger };
}

const usable = (page) =>
  page.waitForFunction(() => {
    const root = document.querySelector("consultant-widget")?.shadowRoot;
    const win = root?.querySelector("section.window:not([hidden])");
    return win && (root.querySelector("#cw-input:not([disabled])")?.offsetParent || root.querySelector("form.offline input"));
  }, null, { timeout: 120_000 });

const sum = (ledger) => ledger.reduce((n, r) => n + r.brotli, 0);
const byPath = (ledger) => ledger.map((r) => `${r.path} ${kb(r.brotli)}`).join(", ");

try {
  // Bytes: exact, not noisy; one run.
  const { page, context, ledger } = await visit();
  await page.waitForTimeout(10_000);
  const pageView = sum(ledger);
  const pageViewFiles = byPath(ledger);
  await page.locator("consultant-widget >> button.launcher").click();
  await usable(page);
  await page.waitForTimeout(500);
  const openChat = sum(ledger);
  const openChatFiles = byPath(ledger);
  await context.close();

  // Click → usable under slow 4G, the window's code not yet fetched; beside it, the loader.
  const clicks = [];
  const roundTrips = [];
  for (let i = 0; i < runs; i++) {
    const run = await visit({ throttled: true });
    await run.page.waitForFunction(() => window.Consultant.getState().ready, null, { timeout: 120_000 });
    await run.page.waitForTimeout(2000);
    roundTrips.push(await run.page.evaluate(async (url) => {
      const start = performance.now();
      await fetch(url, { cache: "no-store" }).then((r) => r.arrayBuffer());
      return performance.now() - start;
    }, `${relay.origin}/widget.js?fresh=${i}`));
    const start = Date.now();
    await run.page.locator("consultant-widget >> button.launcher").click();
    await usable(run.page);
    clicks.push(Date.now() - start);
    await run.context.close();
  }
  const click = median(clicks);
  const trip = median(roundTrips);
  console.log("| what | brotli, all-in |\n|---|---:|");
  console.log(`| page view, untouched for 10 s (loader, page module, config) | ${kb(pageView)} |`);
  console.log(`| the chat window open and usable | ${kb(openChat)} |`);
  console.log(`\npage view: ${pageViewFiles}\nopen chat: ${openChatFiles}`);
  console.log(`\nslow 4G, ${runs} runs, medians: click → window usable ${click.toFixed(0)} ms; ` +
    `fetching the loader afresh ${trip.toFixed(0)} ms; ratio ${(click / trip).toFixed(1)}`);
} finally {
  await browser.close();
  await shop.stop();
  await relay.stop();
}
