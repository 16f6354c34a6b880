// Benchmark (not a test): the operator console in headless Chromium opening a conversation
// of N messages (default 1,000): from the click in the inbox to the newest message shown, and
// the longest main-thread task while it happens.
// Usage: node tests/bench/console.mjs [messages=1000] [runs=10]
import { relayFixture, startRelay, bootstrap } from "../support/relay.mjs";
import { visitorWithMessages } from "../support/seed.mjs";
import { launchBrowser } from "../support/browser.mjs";

const count = Number(process.argv[2] || 1000);
const runs = Number(process.argv[3] || 10);
const fixture = relayFixture();
const relay = await startRelay(fixture, 8796);
const owner = await bootstrap(relay, fixture);
const browser = await launchBrowser();

/** A conversation with `count` visitor messages; resolves with the last text. */
async function conversationOf(count) {
  await visitorWithMessages(relay, count, (i) => `line ${i} of ${count}`);
  return `line ${count} of ${count}`;
}

const open = [];
const longest = [];
try {
  const last = await conversationOf(count);
  // A short conversation to switch to between runs, so each run opens the long one afresh.
  const other = await conversationOf(1);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${relay.origin}/console/`);
  await page.fill("#email", owner.email);
  await page.fill("#password", owner.password);
  await page.click("button[type=submit]");
  await page.locator("nav.inbox").waitFor();
  await page.getByRole("button", { name: /^All/ }).click();
  await page.locator("button.conv", { hasText: last }).waitFor();
  await page.evaluate(() => {
    window.longTasks = [];
    if (!PerformanceObserver.supportedEntryTypes.includes("longtask")) throw new Error("no longtask timing here");
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
  });
  for (let i = 0; i < runs; i++) {
    await page.locator("button.conv", { hasText: other }).click();
    await page.locator("ol.log li", { hasText: other }).waitFor();
    await page.evaluate(() => (window.longTasks = []));
    const ms = await page.evaluate((last) => {
      const start = performance.now();
      [...document.querySelectorAll("button.conv")].find((b) => b.textContent.includes(last)).click();
      return new Promise((resolve) => {
        const check = () => {
          const log = document.querySelector("ol.log");
          if (log && log.lastElementChild?.textContent.includes(last)) resolve(performance.now() - start);
          else requestAnimationFrame(check);
        };
        check();
      });
    }, last);
    open.push(ms);
    longest.push(Math.max(0, ...(await page.evaluate(() => window.longTasks))));
  }
} finally {
  await browser.close();
  await relay.stop();
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} runs)`;
};
console.log(`opening a conversation of ${count} messages → newest shown: ${stats(open)}`);
console.log(`longest main-thread task meanwhile: ${stats(longest)}`);
