// The live visitors list: every visitor on the site now with his page, pages viewed, source,
// location, browser and IP, updating as he moves and leaves; an operator starts a chat with
// any of them and the visitor's window opens with the message.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const fixture = relayFixture();
let relay, shop, browser, owner, session, consolePage;
const sockets = [];

const presenceUrl = (key, token = "") => `${relay.wsOrigin}/api/v1/sites/demo/presence-socket?key=${key}&token=${token}`;
const page = (url, extra = {}) => ({ type: "page", page: { url, title: "Tea", referrer: "", pages_viewed: 1, visit_number: 1, visit_started_at: Date.now(), ...extra } });
const startChat = (id, token) =>
  fetch(`${relay.origin}/api/v1/sites/demo/live-visitors/${id}/chat`, {
    method: "POST",
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
const inWidget = (p, selector) => p.locator(`consultant-widget >> ${selector}`);

before(async () => {
  relay = await startRelay(fixture, 8804);
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
  const settings = siteSettings({ departments: [], contact_form: { mode: "never" } });
  assert.equal((await putSettings(relay, session.token, settings)).status, 204);
  shop = await startShop(8805, relay.origin);
  browser = await launchBrowser();
  consolePage = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  consolePage.errors = watchErrors(consolePage);
  await consolePage.goto(`${relay.origin}/console/`);
  await consolePage.fill("#email", owner.email);
  await consolePage.fill("#password", owner.password);
  await consolePage.click("button[type=submit]");
  await consolePage.locator("nav.inbox").waitFor();
});

after(async () => {
  for (const socket of sockets) await socket.close();
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("the relay lists visitors by browser, with geo and browser from the request, and drops them when they leave", async () => {
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${session.token}`);
  sockets.push(inbox);
  await inbox.next((f) => f.type === "visitors");
  const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  const headers = { "X-Dev-Geo": "RU/Kazan", "User-Agent": ua };
  const tab1 = await openSocket(presenceUrl("k".repeat(24)), headers);
  tab1.send(page("https://shop.test/tea?utm_source=ya&utm_campaign=spring", { referrer: "https://yandex.ru/search?q=tea" }));
  const arrived = (await inbox.next((f) => f.type === "visitor_updated")).visitor;
  assert.equal(arrived.page.url, "https://shop.test/tea?utm_source=ya&utm_campaign=spring");
  assert.deepEqual([arrived.utm.source, arrived.utm.campaign], ["ya", "spring"]);
  assert.deepEqual(arrived.geo, { country: "RU", city: "Kazan" });
  assert.deepEqual([arrived.browser, arrived.os], ["Chrome 131", "Windows"]);
  assert.equal(arrived.ip, "127.0.0.1");
  assert.equal(arrived.visitor, null, "never chatted: no visitor record");
  assert.ok(!JSON.stringify(arrived).includes("k".repeat(24)), "the browser's key is not shown");

  // A second tab of the same browser is the same visitor, shown on his newest page.
  const tab2 = await openSocket(presenceUrl("k".repeat(24)), headers);
  tab2.send(page("https://shop.test/delivery", { pages_viewed: 2 }));
  const moved = (await inbox.next((f) => f.type === "visitor_updated" && f.visitor.page.url.endsWith("/delivery"))).visitor;
  assert.equal(moved.id, arrived.id);
  assert.equal(moved.tabs, 2);
  await tab2.close();
  const back = (await inbox.next((f) => f.type === "visitor_updated" && f.visitor.tabs === 1)).visitor;
  assert.equal(back.page.url, arrived.page.url);

  // Bad frames are refused with a reason and change nothing.
  tab1.send(page("javascript:alert(1)"));
  assert.match((await tab1.next((f) => f.code === "invalid_field")).message, /^url:/);
  tab1.send("{nope");
  await tab1.next((f) => f.code === "invalid_field");

  await tab1.close();
  assert.equal((await inbox.next((f) => f.type === "visitor_left")).id, arrived.id);
  assert.equal(await refusedWith(presenceUrl("short")), 400);
  assert.equal(await refusedWith(presenceUrl("x".repeat(20) + "!")), 400);
});

test("who may start a chat: the site's operators; a visitor who left is 404", async () => {
  assert.equal((await startChat("nobody-here-at-all", session.token)).status, 404);
  assert.equal((await startChat("nobody-here-at-all")).status, 401);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  assert.equal((await startChat("nobody-here-at-all", visitor.token)).status, 403);
});

test("the console's live list follows a visitor around the shop; an operator starts a chat and the window opens", async () => {
  await consolePage.getByRole("link", { name: "Visitors" }).click();
  const visitorPage = await (await browser.newContext()).newPage();
  visitorPage.errors = watchErrors(visitorPage);
  // A Cyrillic campaign, percent-encoded as in the link, reads as words.
  await visitorPage.goto(`${shop.origin}/index.html?utm_source=newsletter&utm_campaign=%D0%BE%D1%81%D0%B5%D0%BD%D1%8C`);
  const row = consolePage.locator("main.visitors tbody tr");
  await row.filter({ hasText: "Catalogue — Teapot Shop" }).waitFor();
  assert.match(await row.textContent(), /UTM: осень \/ newsletter/);
  assert.match(await row.textContent(), /Chrome \d+, Linux/);
  assert.match(await row.textContent(), /127\.0\.0\.1/);

  await visitorPage.goto(`${shop.origin}/delivery.html`);
  await row.filter({ hasText: "Delivery — Teapot Shop" }).waitFor();
  assert.equal(await row.count(), 1, "one visitor, one row");
  assert.match(await row.textContent(), /UTM: осень \/ newsletter/, "the visit keeps its campaign");
  assert.equal((await row.locator("td").nth(1).textContent()).trim(), "2", "pages viewed");
  // Searching the list: by page, then for nobody, then everyone again.
  const find = consolePage.getByLabel(/^Find a visitor/);
  await find.fill("DELIVERY");
  await consolePage.locator("main.visitors .find", { hasText: "Shown: 1 of 1" }).waitFor();
  await find.fill("no-such-page");
  await consolePage.locator("main.visitors .find", { hasText: "Shown: 0 of 0" }).waitFor();
  assert.equal(await row.count(), 0);
  await find.fill("");
  await row.filter({ hasText: "Delivery — Teapot Shop" }).waitFor();
  assert.deepEqual(await seriousViolations(consolePage), []);
  await consolePage.screenshot({ path: join(ROOT, "docs/screenshots/visitors.png") });

  await row.getByRole("button", { name: /^Start a chat/ }).click();
  await consolePage.getByLabel("First message").fill("Hello! Looking for a gift? We wrap for free.");
  await consolePage.getByRole("button", { name: "Send", exact: true }).click();
  // The console switches to the new chat; the visitor's window opens with the message.
  await consolePage.locator("ol.log li", { hasText: "We wrap for free" }).waitFor();
  await inWidget(visitorPage, "section.window:not([hidden])").waitFor();
  await inWidget(visitorPage, "ol.log li.operator").filter({ hasText: "We wrap for free" }).waitFor();
  await inWidget(visitorPage, "textarea#cw-input").fill("Yes, for my mother");
  await inWidget(visitorPage, "textarea#cw-input").press("Enter");
  await consolePage.locator("ol.log li.visitor", { hasText: "Yes, for my mother" }).waitFor();
  // The visitor card tells where he is now.
  await consolePage.locator("section.card dd", { hasText: "Delivery — Teapot Shop" }).waitFor();

  // When he leaves, he is gone from the list.
  await consolePage.getByRole("link", { name: "Visitors" }).click();
  await row.first().waitFor();
  await visitorPage.context().close();
  await consolePage.locator("main.visitors", { hasText: "Nobody is on the site right now." }).waitFor();
  assert.deepEqual(consolePage.errors, []);
});
