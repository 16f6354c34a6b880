// The whole product in a real browser: a visitor on the demo shop (its own origin, the one-tag
// install pointing at the relay) writes; an operator signed into the console sees it live and
// replies; the visitor sees the reply; history survives a reload and a relay restart; the
// widget reconnects by itself; axe finds no serious or critical accessibility problems.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { relayFixture, startRelay, bootstrap, ROOT } from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const RELAY_PORT = 8792;
const SHOP_PORT = 8793;
const SCREENSHOTS = join(ROOT, "docs/screenshots");
const fixture = relayFixture();
let relay, shop, browser, owner, visitorPage, consolePage, visitorErrors, consoleErrors;

const widget = (page) => page.locator("consultant-widget");
const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);
const log = (page) => inWidget(page, "ol.log");

/** Waits until the relay tells widgets that an operator can answer (the console's inbox is connected). */
async function waitForOperatorsOnline() {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const config = await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`)).json();
    if (config.presence?.operators_online) return;
    assert.ok(Date.now() < deadline, "no operator online within 20 s (is the console's inbox socket connected?)");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

before(async () => {
  relay = await startRelay(fixture, RELAY_PORT);
  owner = await bootstrap(relay, fixture);
  shop = await startShop(SHOP_PORT, relay.origin);
  browser = await launchBrowser();
  const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  visitorPage = await visitorContext.newPage();
  visitorErrors = watchErrors(visitorPage);
  consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
  consoleErrors = watchErrors(consolePage);
});

after(async () => {
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("the loader draws the launcher from one tag, before the wasm, and the closed widget is accessible", async () => {
  // Hold the wasm back (the page module's and the chat window's): the launcher must be there
  // without it.
  let releaseWasm;
  const wasmHeld = new Promise((resolve) => (releaseWasm = resolve));
  await visitorPage.route("**/widget/*_bg.wasm", async (route) => {
    await wasmHeld;
    await route.continue();
  });
  await visitorPage.goto(`${shop.origin}/pricing.html`);
  const launcher = inWidget(visitorPage, "button.launcher");
  await launcher.waitFor();
  assert.equal(await visitorPage.locator("#events").textContent(), "", "no ready event before the wasm");
  releaseWasm();
  await visitorPage.waitForFunction(() => document.getElementById("events").textContent.includes("ready"));
  await visitorPage.unroute("**/widget/*_bg.wasm");
  assert.equal(await launcher.getAttribute("aria-label"), "Open chat");
  assert.equal(await launcher.getAttribute("aria-expanded"), "false");
  // The page's hostile `button { text-transform: uppercase !important }` does not reach inside.
  assert.deepEqual(await seriousViolations(visitorPage), []);
});

test("an operator signs in (a wrong password is refused) and is online", async () => {
  await consolePage.goto(`${relay.origin}/console/`);
  await consolePage.fill("#email", owner.email);
  await consolePage.fill("#password", "wrong password");
  await consolePage.click("button[type=submit]");
  await consolePage.getByRole("alert").filter({ hasText: "Wrong e-mail or password" }).waitFor();
  await consolePage.fill("#password", owner.password);
  await consolePage.click("button[type=submit]");
  await consolePage.locator(".inbox .empty").waitFor();
  // Online once the inbox socket is open (it first takes a ticket).
  await waitForOperatorsOnline();
});

test("a visitor opens the widget from the launcher and writes", async () => {
  await inWidget(visitorPage, "button.launcher").click();
  const input = inWidget(visitorPage, "textarea#cw-input");
  await input.waitFor();
  assert.equal(await inWidget(visitorPage, "button.launcher").getAttribute("aria-expanded"), "true");
  await assert.doesNotReject(inWidget(visitorPage, "section.window:not([hidden])").waitFor());
  await input.fill("Hello! Do you sell <b>green</b> teapots?");
  await input.press("Enter");
  await log(visitorPage).locator("li.visitor:not(.pending)", { hasText: "green" }).waitFor();
  // Visitor text is shown as text, never parsed as HTML.
  assert.equal(await log(visitorPage).locator("b").count(), 0);
  await visitorPage.waitForFunction(() => document.getElementById("events").textContent.includes("message:sent"));
  assert.deepEqual(await seriousViolations(visitorPage), []);
});

test("the operator sees the conversation live, opens it and replies", async () => {
  const entry = consolePage.locator("button.conv", { hasText: "green" });
  await entry.waitFor();
  assert.match(await entry.textContent(), /awaiting reply/);

  // A second message arrives live, with the console already open.
  await inWidget(visitorPage, "textarea#cw-input").fill("I need two of them.");
  await inWidget(visitorPage, "textarea#cw-input").press("Enter");
  await consolePage.locator("button.conv", { hasText: "I need two of them." }).waitFor();

  await consolePage.locator("button.conv").first().click();
  await consolePage.locator("ol.log li.visitor", { hasText: "I need two of them." }).waitFor();
  assert.equal(await consolePage.locator("ol.log li.visitor").count(), 2);
  assert.equal(await consolePage.locator("ol.log b").count(), 0);
  await consolePage.fill("#reply", "Yes, we have three kinds. Which size do you need?");
  await consolePage.press("#reply", "Enter");
  await consolePage.locator("ol.log li.operator", { hasText: "Which size" }).waitFor();
  assert.deepEqual(await seriousViolations(consolePage), []);
});

test("the visitor sees the reply and who wrote it", async () => {
  await log(visitorPage).locator("li.operator", { hasText: "Which size do you need?" }).waitFor();
  assert.equal(await inWidget(visitorPage, "#cw-title").textContent(), "Anna Petrova");
  await visitorPage.waitForFunction(() => document.getElementById("events").textContent.includes("message:received"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await visitorPage.screenshot({ path: join(SCREENSHOTS, "widget.png") });
  await consolePage.screenshot({ path: join(SCREENSHOTS, "console.png") });
});

test("the console switches to Russian and back", async () => {
  await consolePage.getByRole("button", { name: "Русский", exact: true }).click();
  await consolePage.locator("h1", { hasText: "Рабочее место оператора" }).waitFor();
  assert.equal(await consolePage.getAttribute("html", "lang"), "ru");
  assert.equal(await consolePage.getAttribute("#reply", "placeholder"), "Напишите ответ: Enter — отправить, Shift+Enter — новая строка");
  assert.deepEqual(await seriousViolations(consolePage), []);
  await consolePage.getByRole("button", { name: "English", exact: true }).click();
  await consolePage.locator("h1", { hasText: "Operator console" }).waitFor();
});

test("the JS API closes and opens the window and reports events", async () => {
  await visitorPage.click("#api-close");
  await inWidget(visitorPage, "section.window[hidden]").waitFor({ state: "attached" });
  assert.equal(await inWidget(visitorPage, "button.launcher").getAttribute("aria-expanded"), "false");
  await visitorPage.click("#api-open");
  await inWidget(visitorPage, "section.window:not([hidden])").waitFor();
  const events = await visitorPage.locator("#events").textContent();
  assert.match(events, /ready\n/);
  assert.match(events, /close\nopen\n$/);
});

const conversationTexts = ["Do you sell <b>green</b> teapots?", "I need two of them.", "Which size do you need?"];

/** The widget's log shows exactly these messages (besides the greeting), each once. */
async function assertConversation(page, texts) {
  for (const text of texts) {
    await log(page).locator("li:not(.pending)", { hasText: text }).waitFor();
  }
  assert.equal(await log(page).locator("li.visitor, li.operator:not(.greeting)").count(), texts.length);
}

test("after a page reload the visitor still sees the whole conversation", async () => {
  await visitorPage.reload();
  await visitorPage.evaluate(() => window.Consultant.open());
  await assertConversation(visitorPage, conversationTexts);
});

test("after a relay restart the history is still there and open pages reconnect by themselves", async () => {
  await relay.stop();
  await inWidget(visitorPage, ".sub").filter({ hasText: "reconnecting" }).waitFor();
  relay = await startRelay(fixture, RELAY_PORT);

  // The page that stayed open reconnects; its next message reaches the operator's open console.
  await inWidget(visitorPage, ".sub").filter({ hasText: "We usually reply" }).waitFor({ timeout: 20_000 });
  await inWidget(visitorPage, "textarea#cw-input").fill("Still there after the restart?");
  await inWidget(visitorPage, "textarea#cw-input").press("Enter");
  await consolePage.locator("ol.log li.visitor", { hasText: "after the restart" }).waitFor({ timeout: 20_000 });
  // The console's inbox socket is back as well: the relay counts its operator online again.
  await waitForOperatorsOnline();

  // A fresh load after the restart shows everything, each message stored once.
  await visitorPage.reload();
  await visitorPage.evaluate(() => window.Consultant.open());
  await assertConversation(visitorPage, [...conversationTexts, "Still there after the restart?"]);
});

test("on a Russian page the widget speaks Russian", async () => {
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  await page.goto(`${shop.origin}/ru.html`);
  const launcher = inWidget(page, "button.launcher");
  assert.equal(await launcher.getAttribute("aria-label"), "Открыть чат");
  await launcher.click();
  const input = inWidget(page, "textarea#cw-input");
  await input.waitFor();
  assert.equal(await input.getAttribute("placeholder"), "Напишите сообщение…");
  assert.equal(await inWidget(page, "button.close").getAttribute("aria-label"), "Закрыть чат");
  await log(page).locator("li.greeting", { hasText: "Здравствуйте" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a 360 px wide phone the window fills the screen and the launcher steps aside", async () => {
  const page = await (await browser.newContext({ viewport: { width: 360, height: 640 }, hasTouch: true })).newPage();
  await page.goto(`${shop.origin}/index.html`);
  await inWidget(page, "button.launcher").click();
  const window = inWidget(page, "section.window:not([hidden])");
  await window.waitFor();
  assert.deepEqual(await window.boundingBox(), { x: 0, y: 0, width: 360, height: 640 });
  assert.equal(await inWidget(page, "button.launcher").isVisible(), false);
  await inWidget(page, "button.close").click();
  await inWidget(page, "button.launcher").waitFor();
  await page.close();
});

test("no page errors on either side", () => {
  // Socket failures while the relay was down are expected; nothing else is.
  const unexpected = (errors) => errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e));
  assert.deepEqual(unexpected(visitorErrors), []);
  assert.deepEqual(unexpected(consoleErrors), []);
});
