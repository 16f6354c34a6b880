// The widget in two parts: a page view runs only the page module (launcher, presence, rules);
// the chat window (Leptos) is fetched when the visitor reaches for it. And a keyboard-only
// visitor: focus moves into the window when it opens, and back to the launcher when it closes,
// whether the window is the live chat or the leave-a-message form.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings } from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const fixture = relayFixture();
let relay, shop, browser, owner, session, consolePage;

const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);

/** A visitor's page, with every URL it fetched from the relay. */
async function visitor(init = null, path = "/index.html") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.errors = watchErrors(page);
  page.fetched = [];
  page.on("request", (request) => {
    if (request.url().startsWith(relay.origin)) page.fetched.push(new URL(request.url()).pathname);
  });
  await page.goto(`${shop.origin}${path}`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  return page;
}

const windowFetched = (page) => page.fetched.includes("/widget/widget_bg.wasm");

/** The element that has focus, seen through the widget's shadow root. */
const focused = (page) =>
  page.evaluate(() => {
    const host = document.querySelector("consultant-widget");
    const active = host?.shadowRoot?.activeElement;
    if (!active) return document.activeElement?.tagName.toLowerCase();
    return active.id ? `#${active.id}` : active.className || active.tagName.toLowerCase();
  });

async function configure(changes) {
  const result = await putSettings(relay, session.token, siteSettings(changes));
  assert.equal(result.status, 204, JSON.stringify(result.json));
}

async function keyboardRoundTrip(page, expectedFocus) {
  await inWidget(page, "button.launcher").focus();
  await page.keyboard.press("Enter");
  await inWidget(page, "section.window:not([hidden])").waitFor();
  await page.waitForFunction(
    (id) => document.querySelector("consultant-widget").shadowRoot.activeElement?.id === id,
    expectedFocus.slice(1),
  );
  assert.equal(await inWidget(page, "button.launcher").getAttribute("aria-expanded"), "true");
  assert.equal(await inWidget(page, "button.launcher").getAttribute("aria-label"), "Close chat");
  await page.keyboard.press("Escape");
  await inWidget(page, "section.window[hidden]").waitFor({ state: "attached" });
  await page.waitForFunction(
    () => document.querySelector("consultant-widget").shadowRoot.activeElement?.classList.contains("launcher"),
  );
  assert.equal(await inWidget(page, "button.launcher").getAttribute("aria-label"), "Open chat");
}

before(async () => {
  relay = await startRelay(fixture, 8830);
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
  shop = await startShop(8831, relay.origin);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("a page view runs the launcher and the rules without the chat window; reaching for it brings it", async () => {
  await configure({
    triggers: [{ id: "hello", conditions: [{ if: "seconds_on_page", at_least: 1 }], actions: [{ do: "hide_widget" }] }],
  });
  // A rule hides the widget on this page after a second: the page module alone carries it out.
  const page = await visitor();
  await inWidget(page, "button.launcher").waitFor({ state: "attached" });
  await page.locator("consultant-widget[hidden]").waitFor({ state: "attached" });
  // Calls that only feed the chat wait for it; they do not fetch it.
  await page.evaluate(() => {
    window.Consultant.setContactInfo({ name: "Lena" });
    window.Consultant.setCustomData([{ title: "Cart", content: "2 teapots" }]);
  });
  await page.waitForTimeout(1500);
  assert.ok(page.fetched.includes("/widget/page_bg.wasm"), page.fetched.join(" "));
  assert.ok(!windowFetched(page), `the window was fetched on a page view: ${page.fetched.join(" ")}`);
  assert.equal(await page.evaluate(() => window.Consultant.getState().hidden), true);
  await page.context().close();

  await configure({});
  const shopper = await visitor();
  await shopper.waitForTimeout(1000);
  assert.ok(!windowFetched(shopper));
  await inWidget(shopper, "button.launcher").click();
  await inWidget(shopper, "section.window:not([hidden])").waitFor();
  assert.ok(windowFetched(shopper));
  assert.deepEqual(shopper.errors, []);
  await shopper.context().close();
});

test("the link of a reply e-mailed to the visitor (#consultant-chat) opens the chat, once", async () => {
  await configure({});
  const page = await visitor(null, "/index.html?from=mail#consultant-chat");
  await inWidget(page, "section.window:not([hidden])").waitFor();
  assert.ok(windowFetched(page));
  assert.equal(new URL(page.url()).hash, "", "the mark is gone: a reload or a shared link does not open it again");
  assert.equal(new URL(page.url()).search, "?from=mail");
  await page.reload();
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.Consultant.getState().open), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("keyboard: with nobody online Enter opens the leave-a-message form with focus in it; Escape returns to the launcher", async () => {
  await configure({ offline: { hide_launcher: false, notify_email: "sales@shop.test" } });
  const page = await visitor();
  await keyboardRoundTrip(page, "#cw-off-name");
  assert.deepEqual(await seriousViolations(page), []);
  // The close button does the same as Escape.
  await inWidget(page, "button.launcher").press("Enter");
  await inWidget(page, "section.window:not([hidden])").waitFor();
  await inWidget(page, "button.close").press("Enter");
  await page.waitForFunction(
    () => document.querySelector("consultant-widget").shadowRoot.activeElement?.classList.contains("launcher"),
  );
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("keyboard: with an operator online Enter puts the cursor in the composer; Escape returns to the launcher", async () => {
  consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await consolePage.goto(`${relay.origin}/console/`);
  await consolePage.fill("#email", owner.email);
  await consolePage.fill("#password", owner.password);
  await consolePage.click("button[type=submit]");
  await consolePage.locator("nav.inbox").waitFor();
  const page = await visitor();
  await page.waitForFunction(() => window.Consultant.getState().online);
  await keyboardRoundTrip(page, "#cw-input");
  // Tab from the composer stays in the window, it does not fall back to the page.
  await inWidget(page, "button.launcher").press("Enter");
  await page.waitForFunction(() => document.querySelector("consultant-widget").shadowRoot.activeElement?.id === "cw-input");
  await page.keyboard.press("Tab");
  const next = await focused(page);
  assert.notEqual(next, "body");
  assert.ok(await page.evaluate(() => {
    const root = document.querySelector("consultant-widget").shadowRoot;
    return root.querySelector("section.window").contains(root.activeElement);
  }), `Tab left the window for ${next}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
