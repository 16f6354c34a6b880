// Benchmark (not a test): the widget's speed on the demo shop in headless Chromium.
//   - script tag running → launcher painted;
//   - launcher click → window interactive with the visitor's history (20 messages), split by
//     whether the wasm had already loaded (idle loading) or the click had to load it (cold);
//   - reopening the window once loaded;
//   - a conversation of 1,000 messages opened (the relay sends the newest 500 on connect, the
//     window renders the newest 100 and pages back on request);
//   - layout shift and the longest main-thread task on the host page until the widget loaded.
// Usage: node tests/bench/launcher.mjs [runs=20]
import { relayFixture, startRelay, bootstrap } from "../support/relay.mjs";
import { visitorWithMessages } from "../support/seed.mjs";
import { launchBrowser } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const runs = Number(process.argv[2] || 20);
const fixture = relayFixture();
const relay = await startRelay(fixture, 8796);
await bootstrap(relay, fixture);
const shop = await startShop(8797, relay.origin);
const browser = await launchBrowser();

/** A visitor whose conversation holds `count` messages; resolves with his token. */
async function visitorWith(count) {
  return (await visitorWithMessages(relay, count, (i) => `message ${i} of ${count}`)).token;
}

/** Clicks the launcher; resolves with ms until the window shows `lastText` and the input. */
function openUntil(page, lastText) {
  return page.evaluate((lastText) => {
    const root = document.querySelector("consultant-widget").shadowRoot;
    const wasReady = window.Consultant.getState().ready;
    const start = performance.now();
    root.querySelector(".launcher").click();
    return new Promise((resolve) => {
      const check = () => {
        const input = root.querySelector("#cw-input");
        const win = root.querySelector("section.window");
        const log = root.querySelector("ol.log, .log");
        const shown = !lastText || (log && log.textContent.includes(lastText));
        if (input && win && !win.hidden && shown) resolve({ ms: performance.now() - start, wasReady });
        else requestAnimationFrame(check);
      };
      check();
    });
  }, lastText);
}

const launcher = [];
const cold = [];
const warm = [];
const reopen = [];
const long = [];
const shifts = [];
const longTasks = [];
try {
  const token20 = await visitorWith(20);
  const token1000 = await visitorWith(1000);
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    await context.addInitScript((token) => localStorage.setItem("consultant:demo:token", token), token20);
    // Layout shifts and long tasks on the host page while the widget loads.
    await context.addInitScript(() => {
      window.impact = { cls: 0, longest: 0 };
      const observe = (type, take) => new PerformanceObserver((list) => list.getEntries().forEach(take)).observe({ type, buffered: true });
      observe("layout-shift", (e) => { if (!e.hadRecentInput) window.impact.cls += e.value; });
      observe("longtask", (e) => { window.impact.longest = Math.max(window.impact.longest, e.duration); });
    });
    const page = await context.newPage();
    await page.goto(`${shop.origin}/index.html`);
    await page.waitForFunction(() => window.Consultant?.timing?.launcherVisible);
    const t = await page.evaluate(() => window.Consultant.timing);
    launcher.push(t.launcherVisible - t.loaderStart);
    // Every other run waits for idle loading first, so both cases are measured.
    if (i % 2) {
      await page.waitForFunction(() => window.Consultant.getState().ready);
      await page.waitForTimeout(300);
      const impact = await page.evaluate(() => window.impact);
      shifts.push(impact.cls);
      longTasks.push(impact.longest);
    }
    const first = await openUntil(page, "message 20 of 20");
    (first.wasReady ? warm : cold).push(first.ms);
    await page.evaluate(() => window.Consultant.close());
    reopen.push((await openUntil(page, "message 20 of 20")).ms);
    await context.close();
  }
  for (let i = 0; i < Math.max(3, Math.floor(runs / 4)); i++) {
    const context = await browser.newContext();
    await context.addInitScript((token) => localStorage.setItem("consultant:demo:token", token), token1000);
    const page = await context.newPage();
    await page.goto(`${shop.origin}/index.html`);
    await page.waitForFunction(() => window.Consultant.getState().ready);
    // The history arrives on the socket opened at load; this measures rendering it.
    await page.waitForFunction(() => window.Consultant.getState().messages >= 500, null, { timeout: 15_000 }).catch(() => page.waitForTimeout(1500));
    long.push((await openUntil(page, "message 1000 of 1000")).ms);
    await context.close();
  }
} finally {
  await browser.close();
  await shop.stop();
  await relay.stop();
}

const stats = (xs) => {
  if (!xs.length) return "no runs";
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} runs)`;
};
console.log(`runs: ${runs}`);
console.log(`script tag → launcher painted: ${stats(launcher)}`);
console.log(`launcher click → window with history, wasm loaded on click (cold): ${stats(cold)}`);
console.log(`launcher click → window with history, wasm already loaded: ${stats(warm)}`);
console.log(`reopening the window: ${stats(reopen)}`);
console.log(`launcher click → a 1,000-message conversation shown: ${stats(long)}`);
console.log(`layout shift (CLS) until the widget is loaded: max ${Math.max(...shifts).toFixed(4)} (${shifts.length} runs)`);
console.log(`longest main-thread task on the page until the widget is loaded: ${stats(longTasks)}`);
