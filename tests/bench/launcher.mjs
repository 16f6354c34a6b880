// Benchmark (not a test): time from the widget's script tag running to the launcher being
// painted, and from a click on the launcher to an interactive window, on the demo shop in
// headless Chromium. Usage: node tests/bench/launcher.mjs [runs=20]
import { relayFixture, startRelay, bootstrap } from "../support/relay.mjs";
import { launchBrowser } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const runs = Number(process.argv[2] || 20);
const fixture = relayFixture();
const relay = await startRelay(fixture, 8796);
await bootstrap(relay, fixture);
const shop = await startShop(8797, relay.origin);
const browser = await launchBrowser();

const launcher = [];
const open = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${shop.origin}/index.html`);
    await page.waitForFunction(() => window.Consultant?.timing?.launcherVisible);
    const t = await page.evaluate(() => window.Consultant.timing);
    launcher.push(t.launcherVisible - t.loaderStart);
    // Cold open: the first click loads nothing more if idle loading already happened, so
    // measure both the click and the window becoming usable.
    const clicked = await page.evaluate(() => {
      const root = document.querySelector("consultant-widget").shadowRoot;
      const start = performance.now();
      root.querySelector(".launcher").click();
      return new Promise((resolve) => {
        const check = () => {
          const input = root.querySelector("#cw-input");
          const win = root.querySelector("section.window");
          if (input && win && !win.hidden) resolve(performance.now() - start);
          else requestAnimationFrame(check);
        };
        check();
      });
    });
    open.push(clicked);
    await context.close();
  }
} finally {
  await browser.close();
  await shop.stop();
  await relay.stop();
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
};
console.log(`runs: ${runs}`);
console.log(`script tag → launcher painted: ${stats(launcher)}`);
console.log(`launcher click → window interactive: ${stats(open)}`);
