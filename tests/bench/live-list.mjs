// Benchmark (not a test): the console's live visitor list with N visitors (default 5,000) in
// headless Chromium. One real visitor browses the demo shop; the console's inbox socket is
// passed through Playwright's WebSocket routing, which multiplies that visitor into N (5,000
// presence sockets exceed this machine's open-files limit, see docs/reliability.md) and then
// plays a stream of arrivals, page changes and departures. Reports the time to show the list,
// and the longest main-thread task while it updates and while its clocks tick.
// Usage: node tests/bench/live-list.mjs [visitors=5000] [updates=300]
import { relayFixture, startRelay, bootstrap } from "../support/relay.mjs";
import { launchBrowser } from "../support/browser.mjs";

const count = Number(process.argv[2] || 5000);
const updates = Number(process.argv[3] || 300);
const fixture = relayFixture();
const relay = await startRelay(fixture, 8821);
const owner = await bootstrap(relay, fixture);
const browser = await launchBrowser();

const clone = (template, i) => ({
  ...template,
  id: `bench${String(i).padStart(6, "0")}`,
  visitor: null,
  conversation: null,
  name: i % 7 ? null : `Guest ${i}`,
  page: { ...template.page, url: `${template.page.url}?item=${i}`, title: `Item ${i}`, pages_viewed: 1 + (i % 9) },
  ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
});

let result;
try {
  // The one real visitor, whose entry becomes the template.
  const shop = await (await browser.newContext()).newPage();
  await shop.goto(`${relay.origin}/demo/index.html`);
  await shop.waitForFunction(() => window.Consultant?.getState?.().ready);

  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  let inbox; // the console's side of the routed socket
  let template;
  await page.routeWebSocket(/inbox-socket/, (ws) => {
    inbox = ws;
    const server = ws.connectToServer();
    server.onMessage((message) => {
      const frame = JSON.parse(message);
      if (frame.type === "visitors" && frame.visitors.length) {
        template = frame.visitors[0];
        // As the relay sends a long list: `visitors`, then `more_visitors`, 500 per frame.
        const everyone = Array.from({ length: count }, (_, i) => clone(template, i));
        for (let at = 0; at < count; at += 500) {
          const type = at ? "more_visitors" : "visitors";
          ws.send(JSON.stringify({ type, visitors: everyone.slice(at, at + 500) }));
        }
      } else if (frame.type !== "visitor_updated" && frame.type !== "visitor_left") {
        ws.send(message);
      }
    });
    ws.onMessage((message) => server.send(message));
  });
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
  });
  await page.goto(`${relay.origin}/console/`);
  await page.fill("#email", owner.email);
  await page.fill("#password", owner.password);
  await page.evaluate(() => (window.longTasks = []));
  await page.click("button[type=submit]");
  await page.locator("nav.inbox").waitFor();
  await page.waitForFunction(() => document.querySelector("nav") && window.longTasks !== undefined);
  await page.waitForTimeout(1000); // the inbox socket's first frames, the 5,000 visitors among them
  const signInTasks = await page.evaluate(() => window.longTasks.splice(0));
  const start = await page.evaluate(() => performance.now());
  await page.getByRole("link", { name: "Visitors", exact: true }).click();
  await page.locator("table tbody tr").first().waitFor({ timeout: 60_000 });
  await page.getByText(`of ${count}`).waitFor({ timeout: 60_000 });
  const shown = (await page.evaluate(() => performance.now())) - start;
  const firstLongest = Math.max(0, ...(await page.evaluate(() => window.longTasks)));
  if (!template) throw new Error("the live list never had the real visitor");

  // Updates: every 50 ms one arrival, page change or departure (20 per second).
  await page.evaluate(() => (window.longTasks = []));
  let arrivals = count;
  for (let i = 0; i < updates; i++) {
    const kind = i % 3;
    if (kind === 0) inbox.send(JSON.stringify({ type: "visitor_updated", visitor: clone(template, arrivals++) }));
    else if (kind === 1) {
      const moved = clone(template, (i * 7919) % count);
      moved.page = { ...moved.page, url: `${template.page.url}?moved=${i}`, pages_viewed: moved.page.pages_viewed + 1 };
      inbox.send(JSON.stringify({ type: "visitor_updated", visitor: moved }));
    } else inbox.send(JSON.stringify({ type: "visitor_left", id: clone(template, (i * 104729) % count).id }));
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.waitForTimeout(500);
  const rows = await page.locator("table tbody tr").count();
  const updateTasks = await page.evaluate(() => window.longTasks);
  // Idle: the "time on site" clocks of every row tick.
  await page.evaluate(() => (window.longTasks = []));
  await page.waitForTimeout(5000);
  const tickTasks = await page.evaluate(() => window.longTasks);
  result = { shown, firstLongest, rows, updateTasks, tickTasks, signInTasks };
} finally {
  await browser.close();
  await relay.stop();
}

const longest = (xs) => (xs.length ? `${Math.max(...xs).toFixed(0)} ms (${xs.length} tasks over 50 ms)` : "none over 50 ms");
console.log(`visitors: ${count}; rows after ${updates} updates: ${result.rows}`);
console.log(`signing in, receiving the ${count} visitors: longest task ${longest(result.signInTasks)}`);
console.log(`opening the list of ${count} → first rows shown: ${result.shown.toFixed(0)} ms (longest task ${result.firstLongest.toFixed(0)} ms)`);
console.log(`${updates} updates at 20/s (arrivals, page changes, departures): longest task ${longest(result.updateTasks)}`);
console.log(`5 s of clocks ticking: longest task ${longest(result.tickTasks)}`);
