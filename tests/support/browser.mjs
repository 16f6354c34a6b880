// Debian's Chromium driven by playwright-core: never a browser download of a test tool's own.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
    ],
  });
}

/** Collects page errors so a test can assert none happened. */
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return errors;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page (shadow roots included); returns serious and critical violations. */
export async function seriousViolations(page, include) {
  // Evaluated through the DevTools protocol: a page's CSP (the console allows no inline script)
  // does not apply to it, as it would to an added <script>.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async (include) => {
    return window.axe.run(include ? { include } : document, { resultTypes: ["violations"] });
  }, include);
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** A console page signed in as `account`, its page errors collected in `page.errors`. */
export async function consoleAs(browser, relay, account, viewport = { width: 1280, height: 900 }) {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.errors = watchErrors(page);
  await page.goto(`${relay.origin}/console/`);
  await page.fill("#email", account.email);
  await page.fill("#password", account.password);
  await page.click("button[type=submit]");
  await page.locator("nav.inbox").waitFor();
  return page;
}
