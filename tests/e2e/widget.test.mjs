// The complete visitor widget in headless Chromium: settings per site, the offline form, contact
// forms, departments, rating survey, typing and unread badge, transcript and call back, trigger
// rules, the JS API, XSS payloads and a host page with aggressive CSS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, waitForMail,
} from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";
import { openSocket } from "../support/socket.mjs";

const fixture = relayFixture();
let relay, shop, browser, owner, session, consolePage;

const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);
const log = (page) => inWidget(page, "ol.log");

async function configure(changes) {
  const result = await putSettings(relay, session.token, siteSettings(changes));
  assert.equal(result.status, 204, JSON.stringify(result.json));
}

async function visitor(path = "index.html", viewport = { width: 1280, height: 800 }, init = null) {
  const context = await browser.newContext({ viewport });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.errors = watchErrors(page);
  await page.goto(`${shop.origin}/${path}`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  return page;
}

async function openWidget(page) {
  await inWidget(page, "button.launcher").click();
  await inWidget(page, "section.window:not([hidden])").waitFor();
}

async function write(page, text) {
  await inWidget(page, "textarea#cw-input").fill(text);
  await inWidget(page, "textarea#cw-input").press("Enter");
  await log(page).locator("li.visitor:not(.pending)", { hasText: text }).waitFor();
}

async function openConsole() {
  if (consolePage) return consolePage;
  consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  consolePage.errors = watchErrors(consolePage);
  await consolePage.goto(`${relay.origin}/console/`);
  await consolePage.fill("#email", owner.email);
  await consolePage.fill("#password", owner.password);
  await consolePage.click("button[type=submit]");
  await consolePage.locator("nav.inbox").waitFor();
  // The owner is an admin: watch every chat, whoever routing gave it to.
  await consolePage.getByRole("button", { name: /^All/ }).click();
  return consolePage;
}

async function openConversation(text) {
  await consolePage.locator("button.conv", { hasText: text }).first().click();
  await consolePage.locator("ol.log li", { hasText: text }).first().waitFor();
}

before(async () => {
  relay = await startRelay(fixture, 8794);
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
  shop = await startShop(8795, relay.origin);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("site settings are for owners and admins, and every field is validated", async () => {
  const settings = siteSettings();
  assert.equal((await putSettings(relay, "", settings)).status, 401);
  const visitorToken = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json.token;
  assert.equal((await putSettings(relay, visitorToken, settings)).status, 403);
  const bad = await putSettings(relay, session.token, { ...settings, theme: { ...settings.theme, accent_color: "red" } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /accent_color/);
  const badRule = await putSettings(relay, session.token, { ...settings, triggers: [{ id: "Bad Id", actions: [] }] });
  assert.equal(badRule.status, 400);
  await configure({});
  const read = await fetch(`${relay.origin}/api/v1/sites/demo/settings`, { headers: { Authorization: `Bearer ${session.token}` } });
  assert.equal((await read.json()).rating.scale, "five_faces");
});

test("with nobody online the launcher can hide, or the window is a leave-a-message form", async () => {
  await configure({ offline: { hide_launcher: true, notify_email: null } });
  const hiddenPage = await visitor();
  await hiddenPage.locator("consultant-widget[hidden]").waitFor({ state: "attached" });
  await hiddenPage.close();

  await configure({ offline: { hide_launcher: false, notify_email: "sales@shop.test" } });
  const page = await visitor();
  await openWidget(page);
  const form = inWidget(page, "form.offline");
  await form.waitFor();
  assert.equal(await inWidget(page, "form.composer").isVisible(), false);
  await inWidget(page, "#cw-off-question").fill("Do you ship to Kazan?");
  await form.locator("button[type=submit]").click();
  await inWidget(page, "#cw-off-email-error").filter({ hasText: "Leave an e-mail or a phone number." }).waitFor();
  await inWidget(page, "#cw-off-email").fill("ivan@");
  await form.locator("button[type=submit]").click();
  await inWidget(page, "#cw-off-email-error").filter({ hasText: "valid e-mail" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await inWidget(page, "#cw-off-name").fill("Ivan");
  await inWidget(page, "#cw-off-email").fill("ivan@example.com");
  await form.locator("button[type=submit]").click();
  await log(page).locator("li.system", { hasText: "Your message is sent" }).waitFor();
  await log(page).locator("li.visitor:not(.pending)", { hasText: "Do you ship to Kazan?" }).waitFor();
  await page.waitForFunction(() => document.getElementById("events").textContent.includes("offline:message"));

  const mail = await waitForMail(relay, session.token, (m) => m.to === "sales@shop.test");
  assert.equal(mail.subject, "Offline message from Ivan — Teapot Shop");
  assert.deepEqual(mail.delivery, { state: "queued" }, "no sender configured locally");
  assert.match(mail.body, /ivan@example\.com/);
  assert.match(mail.body, /Do you ship to Kazan\?/);

  await openConsole();
  // Nobody was online to take it: it waits among the unassigned chats.
  await consolePage.getByRole("button", { name: /^Unassigned/ }).click();
  const entry = consolePage.locator("button.conv", { hasText: "Ivan" });
  await entry.waitFor();
  assert.match(await entry.textContent(), /Offline message/);
  await consolePage.getByRole("button", { name: /^All/ }).click();
  await page.close();
});

test("theme, site language and country rules", async () => {
  await configure({
    locale: "ru",
    theme: { accent_color: "#0a7d33", position: "left", launcher_label: "Вопрос?", logo_url: "/shop-logo.png" },
    triggers: [{ id: "kazan", conditions: [{ if: "country", codes: ["RU"] }, { if: "city", names: ["Kazan"] }],
      actions: [{ do: "invite", operator_name: "Айгуль", text: "Доставляем по Казани за день!" }] }],
  });
  await openConsole();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Locally request.cf has no geo; the relay honours X-Dev-Geo in dev mode instead.
  await context.route(`${relay.origin}/api/**`, (route) =>
    route.continue({ headers: { ...route.request().headers(), "x-dev-geo": "RU/Kazan" } }));
  const page = await context.newPage();
  await page.goto(`${shop.origin}/index.html`);
  const launcher = inWidget(page, "button.launcher");
  await inWidget(page, "button.launcher .label").filter({ hasText: "Вопрос?" }).waitFor();
  const box = await launcher.boundingBox();
  assert.ok(box.x < 100, `launcher on the left, x=${box.x}`);
  assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor), "rgb(10, 125, 51)");
  await inWidget(page, ".teaser").filter({ hasText: "Доставляем по Казани за день!" }).waitFor();
  await launcher.click();
  assert.equal(await inWidget(page, "textarea#cw-input").getAttribute("placeholder"), "Напишите сообщение…");
  assert.equal(await inWidget(page, "img.logo").getAttribute("src"), "/shop-logo.png");
  await context.close();
});

test("contact form before the chat: required fields block the first message until valid", async () => {
  await configure({
    contact_form: { mode: "before", name: "required", email: "optional", phone: "required",
      custom: [{ id: "order", label: "Order number", required: false }] },
  });
  await openConsole();
  const page = await visitor();
  await openWidget(page);
  const form = inWidget(page, "form.contact");
  await form.waitFor();
  assert.equal(await inWidget(page, "form.composer").isVisible(), false);
  await form.locator("button[type=submit]").click();
  await inWidget(page, "#cw-name-error").waitFor();
  await inWidget(page, "#cw-phone-error").waitFor();
  await inWidget(page, "#cw-name").fill("Olga");
  await inWidget(page, "#cw-phone").fill("call me");
  await form.locator("button[type=submit]").click();
  await inWidget(page, "#cw-phone-error").filter({ hasText: "6 to 15 digits" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await inWidget(page, "#cw-phone").fill("+7 912 000-11-22");
  await inWidget(page, "#cw-custom-order").fill("A-77");
  await form.locator("button[type=submit]").click();
  await inWidget(page, "form.composer:not([hidden])").waitFor();
  await write(page, "Where is my order?");

  await openConversation("Where is my order?");
  const card = consolePage.locator(".chat .card");
  await card.locator("dd", { hasText: "Olga" }).waitFor();
  await card.locator("dd", { hasText: "+7 912 000-11-22" }).waitFor();
  await card.locator("dd", { hasText: "A-77" }).waitFor();
  await page.close();
});

test("departments are chosen before the first message; the contact form during the chat can be dismissed", async () => {
  await configure({
    departments: [{ id: "sales", name: "Sales B2C (tier 2)", visitor_name: "Buy a sofa" }, { id: "support", name: "Support" }],
    contact_form: { mode: "during", name: "optional", email: "optional", phone: "hidden", custom: [] },
  });
  // Visitors are sent the name meant for them, never the team's own.
  const config = await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`, { headers: { Origin: shop.origin } })).json();
  assert.deepEqual(config.departments, [{ id: "sales", name: "Buy a sofa" }, { id: "support", name: "Support" }]);
  const page = await visitor();
  // A slow network: the relay's welcome on the chat socket comes a second and a half late,
  // after the visitor has picked a department and written. His choice must reach the relay
  // before his message, which the site refuses without one.
  await page.routeWebSocket(/visitor-socket/, (ws) => {
    const server = ws.connectToServer();
    const held = [];
    let late = true;
    setTimeout(() => {
      late = false;
      held.splice(0).forEach((frame) => ws.send(frame));
    }, 1500);
    server.onMessage((frame) => (late ? held.push(frame) : ws.send(frame)));
  });
  await openWidget(page);
  await inWidget(page, ".departments").waitFor();
  assert.deepEqual(await inWidget(page, ".departments button").allTextContents(), ["Buy a sofa", "Support"]);
  assert.equal(await inWidget(page, "form.composer").isVisible(), false);
  await inWidget(page, ".departments button", { hasText: "Support" }).filter({ hasText: "Support" }).click();
  await inWidget(page, "form.composer:not([hidden])").waitFor();
  await write(page, "My teapot leaks");
  const form = inWidget(page, "form.contact");
  await form.waitFor();
  assert.equal(await inWidget(page, "#cw-phone").count(), 0, "hidden fields are not shown");
  await form.getByRole("button", { name: "Not now" }).click();
  await form.waitFor({ state: "detached" });

  await openConversation("My teapot leaks");
  await consolePage.locator(".chat .card dd", { hasText: "support" }).waitFor();
  await page.close();
});

test("typing shows both ways; an operator message to a closed window raises the unread badge", async () => {
  await configure({});
  const page = await visitor();
  await openWidget(page);
  await write(page, "Hello, typing test");
  await openConversation("Hello, typing test");

  await inWidget(page, "textarea#cw-input").pressSequentially("I am typ", { delay: 20 });
  await consolePage.locator(".typing", { hasText: "Visitor is typing…" }).waitFor();
  await consolePage.locator("#reply").pressSequentially("One moment", { delay: 20 });
  await inWidget(page, ".sub").filter({ hasText: "Anna Petrova is typing…" }).waitFor();

  await inWidget(page, "button.close").click();
  await consolePage.fill("#reply", "Here is your answer.");
  await consolePage.press("#reply", "Enter");
  const launcher = inWidget(page, "button.launcher");
  await inWidget(page, "button.launcher .badge").filter({ hasText: "1" }).waitFor();
  assert.equal(await launcher.getAttribute("aria-label"), "Open chat, 1 unread");
  assert.equal((await page.evaluate(() => window.Consultant.getState())).unread, 1);
  await launcher.click();
  await inWidget(page, "button.launcher .badge").waitFor({ state: "detached" });
  await log(page).locator("li.operator", { hasText: "Here is your answer." }).waitFor();
  await page.close();
});

test("a message written while the relay is unreachable waits, survives a reload, and is sent once", async () => {
  await configure({});
  const page = await visitor();
  // The relay cannot be reached: the socket opens but nothing answers (no welcome, no ack).
  let unreachable = true;
  await page.routeWebSocket(/visitor-socket/, (ws) => {
    if (!unreachable) ws.connectToServer();
  });
  await openWidget(page);
  await inWidget(page, "textarea#cw-input").fill("Written in a tunnel");
  await inWidget(page, "textarea#cw-input").press("Enter");
  await log(page).locator("li.visitor.pending", { hasText: "Written in a tunnel" }).waitFor();
  const saved = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":outbox")).map((k) => localStorage.getItem(k)));
  assert.match(saved.join(), /Written in a tunnel/, "the outbox is kept in the browser");

  unreachable = false;
  await page.reload();
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await openConversation("Written in a tunnel");
  await openWidget(page);
  await log(page).locator("li.visitor:not(.pending)", { hasText: "Written in a tunnel" }).waitFor();
  assert.equal(await consolePage.locator("ol.log li", { hasText: "Written in a tunnel" }).count(), 1, "stored once");
  await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.endsWith(":outbox")));
  await page.close();
});

test("private notes stay with operators; edits and deletions reach the visitor", async () => {
  await configure({});
  const page = await visitor();
  await openWidget(page);
  await write(page, "Can I pay by card?");
  await openConversation("Can I pay by card?");
  await consolePage.locator(".note-toggle input").check();
  await consolePage.fill("#reply", "Regular customer, offer free delivery");
  await consolePage.press("#reply", "Enter");
  await consolePage.locator("ol.log li.note", { hasText: "free delivery" }).waitFor();
  await consolePage.locator(".note-toggle input").uncheck();
  await consolePage.fill("#reply", "Yes, by any card. Delivery is free for you!");
  await consolePage.press("#reply", "Enter");
  await log(page).locator("li.operator", { hasText: "Delivery is free for you!" }).waitFor();
  assert.equal(await log(page).locator("li", { hasText: "Regular customer" }).count(), 0);

  // The newest non-note operator message is ours.
  const own = consolePage.locator("ol.log li.operator:not(.note)").last();
  assert.match(await own.textContent(), /Delivery is free/);
  await own.getByRole("button", { name: "Edit" }).click();
  await own.locator("textarea").fill("Yes, by any card.");
  await own.getByRole("button", { name: "Save" }).click();
  await log(page).locator("li.operator", { hasText: "Yes, by any card." }).filter({ hasText: "edited" }).waitFor();
  await own.getByRole("button", { name: "Delete" }).click();
  await log(page).locator("li.operator", { hasText: "Message deleted" }).waitFor();
  assert.equal(await log(page).locator("li", { hasText: "Yes, by any card" }).count(), 0);
  assert.deepEqual(await seriousViolations(consolePage), []);
  await page.reload();
  await page.evaluate(() => window.Consultant.open());
  await log(page).locator("li.operator", { hasText: "Message deleted" }).waitFor();
  assert.equal(await log(page).locator("li", { hasText: "Regular customer" }).count(), 0);
  await page.close();
});

test("canned replies: admins add them, operators find them with / and insert them", async () => {
  await configure({});
  const page = await visitor();
  await openWidget(page);
  await write(page, "How do I clean a clay teapot?");
  await consolePage.getByRole("link", { name: "Canned replies" }).click();
  await consolePage.locator(".team td", { hasText: "Wholesale discount" }).waitFor();
  await consolePage.fill("#reply-title", "Teapot care");
  await consolePage.fill("#reply-text", "Rinse it with hot water only, never with soap.");
  await consolePage.click(".add-operator button[type=submit]");
  await consolePage.locator(".team td", { hasText: "Teapot care" }).waitFor();
  assert.deepEqual(await seriousViolations(consolePage), []);
  const saved = await (await fetch(`${relay.origin}/api/v1/sites/demo/settings`, { headers: { Authorization: `Bearer ${session.token}` } })).json();
  assert.ok(saved.canned_replies.some((r) => r.title === "Teapot care"));

  await consolePage.getByRole("link", { name: "Conversations" }).click();
  await openConversation("How do I clean a clay teapot?");
  await consolePage.fill("#reply", "/soap");
  await consolePage.locator(".canned-item", { hasText: "Teapot care" }).waitFor();
  await consolePage.press("#reply", "Enter");
  assert.equal(await consolePage.inputValue("#reply"), "Rinse it with hot water only, never with soap.");
  await consolePage.press("#reply", "Enter");
  await log(page).locator("li.operator", { hasText: "never with soap" }).waitFor();
  await page.close();
});

test("an operator who is away takes no chats: visitors get the offline form; colleagues see the status", async () => {
  await configure({});
  const online = async () => (await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`)).json()).presence.operators_online;
  await consolePage.locator(".colleagues li", { hasText: "Anna Petrova — Online" }).waitFor();
  await consolePage.selectOption(".status select", "away");
  await consolePage.locator(".colleagues li", { hasText: "Anna Petrova — Away since" }).waitFor();
  assert.equal(await online(), false);
  const page = await visitor();
  await openWidget(page);
  await inWidget(page, "form.offline").waitFor();
  await page.close();
  assert.deepEqual(await seriousViolations(consolePage), []);
  await consolePage.selectOption(".status select", "online");
  await consolePage.locator(".colleagues li", { hasText: "Anna Petrova — Online" }).waitFor();
  assert.equal(await online(), true);
});

test("marked as spam: the visitor is told the operator ended the chat, cannot write or rate", async () => {
  await configure({});
  const page = await visitor();
  await openWidget(page);
  await write(page, "Cheap followers for your shop!");
  await openConversation("Cheap followers for your shop!");
  await consolePage.getByRole("button", { name: "Spam" }).click();
  await log(page).locator("li.system", { hasText: "The operator ended the chat" }).waitFor();
  await inWidget(page, "form.composer[hidden]").waitFor({ state: "attached" });
  assert.equal(await inWidget(page, "form.rating").count(), 0, "no survey after spam");
  await consolePage.locator("ol.log li.system", { hasText: "Marked as spam" }).waitFor();
  await page.close();
});

test("the chat ends with a rating survey, rated once, with the site's automatic reply", async () => {
  await configure({});
  // The page has Google Tag Manager and Yandex Metrica; the visit came from an ad.
  const analytics = () => {
    window.dataLayer = [];
    window.ymCalls = [];
    window.ym = (...args) => window.ymCalls.push(args);
    window.Ya = { Metrika2: { counters: () => [{ id: 4242 }] } };
  };
  const page = await visitor("index.html?utm_source=ya&utm_medium=cpc&utm_campaign=spring+sale&utm_term=%D1%87%D0%B0%D0%B9", undefined, analytics);
  await openWidget(page);
  await write(page, "Thanks, that is all");
  await openConversation("Thanks, that is all");
  // Operators see where the visitor came from.
  const source = consolePage.locator("section.card dl.source");
  await source.waitFor();
  assert.match(await source.textContent(), /utm_source=ya, utm_medium=cpc, utm_campaign=spring sale, utm_term=чай/, "percent-decoded");
  assert.match(await source.textContent(), /index\.html\?utm_source=ya/);
  await consolePage.getByRole("button", { name: "Close chat" }).click();

  const survey = inWidget(page, "form.rating");
  await survey.waitFor();
  await log(page).locator("li.system", { hasText: "Anna Petrova closed the chat" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await survey.getByRole("button", { name: "😍 Excellent" }).click();
  await inWidget(page, "#cw-rate-comment").fill("Quick and polite");
  await survey.locator("button[type=submit]").click();
  await log(page).locator("li.system", { hasText: "Thank you! We are glad we could help." }).waitFor();
  await survey.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.getElementById("events").textContent.includes("rating"));
  await consolePage.locator("ol.log li.system", { hasText: "Rated: 5/5" }).waitFor();
  // Each step reached the page's analytics: GTM events and Metrica goals.
  const pushed = await page.evaluate(() => window.dataLayer.filter((e) => e.event?.startsWith("consultant_")));
  assert.deepEqual([...new Set(pushed.map((e) => e.event))], ["consultant_chat_opened", "consultant_message_sent", "consultant_chat_rated"]);
  assert.ok(pushed.every((e) => e.consultant_site === "demo"));
  const goals = await page.evaluate(() => window.ymCalls);
  assert.deepEqual([...new Set(goals.map((g) => g.join(" ")))], ["4242 reachGoal consultant_chat_opened", "4242 reachGoal consultant_message_sent", "4242 reachGoal consultant_chat_rated"]);
  await page.close();
});

test("the menu sends the transcript by e-mail and requests a call back", async () => {
  const page = await visitor();
  await openWidget(page);
  await write(page, "Please send me this chat");
  await inWidget(page, "button[aria-controls=cw-menu]").click();
  await inWidget(page, "#cw-menu button", { hasText: "transcript" }).filter({ hasText: "transcript" }).click();
  await inWidget(page, "#cw-panel-input").fill("me@example.com");
  await inWidget(page, "#cw-panel-input").press("Enter");
  await log(page).locator("li.system", { hasText: "transcript is on its way" }).waitFor();
  const mail = await waitForMail(relay, session.token, (m) => m.to === "me@example.com");
  assert.match(mail.body, /Please send me this chat/);

  await inWidget(page, "button[aria-controls=cw-menu]").click();
  await inWidget(page, "#cw-menu button", { hasText: "call back" }).filter({ hasText: "call back" }).click();
  await inWidget(page, "#cw-panel-input").fill("12");
  await inWidget(page, "#cw-panel-input").press("Enter");
  await inWidget(page, "#cw-panel-input-error").waitFor();
  await inWidget(page, "#cw-panel-input").fill("+7 900 123-45-67");
  await inWidget(page, "#cw-panel-input").press("Enter");
  await log(page).locator("li.system", { hasText: "We will call you back" }).waitFor();
  const entry = consolePage.locator("button.conv", { hasText: "Call back" });
  await entry.waitFor();
  await page.close();
});

test("trigger rules: invitation after seconds on a page, anti-spam, open window, hide on checkout", async () => {
  await configure({
    triggers: [
      { id: "pricing-invite",
        conditions: [{ if: "seconds_on_page", at_least: 2 }, { if: "url", pattern: { kind: "contains", value: "/pricing" } }],
        actions: [{ do: "invite", operator_name: "Anna", text: "Need a wholesale quote?" }] },
      { id: "delivery-open",
        conditions: [{ if: "url", pattern: { kind: "contains", value: "/delivery" } }],
        actions: [{ do: "open_window" }] },
      { id: "hide-on-checkout",
        conditions: [{ if: "url", pattern: { kind: "contains", value: "/checkout" } }],
        actions: [{ do: "hide_widget" }] },
    ],
  });
  const page = await visitor("pricing.html");
  const teaser = inWidget(page, ".teaser");
  await teaser.filter({ hasText: "Need a wholesale quote?" }).waitFor({ timeout: 8000 });
  await inWidget(page, "button.launcher .badge").filter({ hasText: "1" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await teaser.locator(".teaser-body").click();
  await log(page).locator("li.invitation", { hasText: "Need a wholesale quote?" }).waitFor();
  // The visitor closes the window himself: no rule opens it again in this visit.
  await inWidget(page, "button.close").click();
  await page.goto(`${shop.origin}/delivery.html`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await page.waitForTimeout(2000);
  assert.equal((await page.evaluate(() => window.Consultant.getState())).open, false);

  // A fresh visitor on the delivery page gets the window opened for him.
  const fresh = await visitor("delivery.html");
  await inWidget(fresh, "section.window:not([hidden])").waitFor({ timeout: 5000 });
  await fresh.goto(`${shop.origin}/checkout.html`);
  await fresh.waitForFunction(() => window.Consultant.getState().ready);
  await fresh.locator("consultant-widget[hidden]").waitFor({ state: "attached", timeout: 5000 });
  assert.equal(await inWidget(fresh, "button.launcher").isVisible(), false);
  await page.close();
  await fresh.close();
});

test("an invitation that names a department: answering it skips the picker and the chat goes there", async () => {
  await configure({
    departments: [{ id: "support", name: "Support" }, { id: "sales", name: "Sales B2C", visitor_name: "Buy a teapot" }],
    triggers: [{ id: "sales-invite", conditions: [{ if: "url", pattern: { kind: "contains", value: "/pricing" } }],
      actions: [{ do: "invite", operator_name: "Anna", text: "Choosing a teapot?", department: "sales" }] }],
  });
  const page = await visitor("pricing.html");
  const teaser = inWidget(page, ".teaser");
  await teaser.filter({ hasText: "Choosing a teapot?" }).waitFor({ timeout: 8000 });
  await teaser.locator(".teaser-body").click();
  await log(page).locator("li.invitation", { hasText: "Choosing a teapot?" }).waitFor();
  assert.equal(await inWidget(page, ".departments").count(), 0, "no picker: the invitation chose");
  await inWidget(page, "textarea#cw-input").fill("Which one brews green tea best?");
  await inWidget(page, "textarea#cw-input").press("Enter");
  let summary;
  for (let i = 0; i < 50 && summary?.state.department !== "sales"; i++) {
    const found = await fetch(`${relay.origin}/api/v1/sites/demo/history?text=${encodeURIComponent("green tea best")}`, { headers: { Authorization: `Bearer ${session.token}` } });
    summary = (await found.json()).conversations?.[0];
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(summary?.state.department, "sales");
  assert.equal(summary.state.source.invitation, true);
  // Without an invitation, the same site still asks which department.
  const plain = await visitor("index.html", { width: 1280, height: 800 });
  await openWidget(plain);
  await inWidget(plain, ".departments").waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await plain.context().close();
  await configure({});
});

test("devices: a rule for phones invites only phones; 'hide on phones' hides the widget there and nowhere else", async () => {
  const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
  const TABLET = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
  const on = async (userAgent, viewport) => {
    const context = await browser.newContext({ userAgent, viewport });
    const page = await context.newPage();
    page.errors = watchErrors(page);
    await page.goto(`${shop.origin}/index.html`);
    await page.waitForFunction(() => window.Consultant.getState().ready);
    return page;
  };
  const refused = await putSettings(relay, session.token, siteSettings({ triggers: [{ id: "nobody", conditions: [{ if: "device", devices: [] }], actions: [{ do: "open_window" }] }] }));
  assert.equal(refused.status, 400);
  assert.match(refused.json.message, /triggers\.device\.devices/);
  await configure({ triggers: [{ id: "phones-only", conditions: [{ if: "device", devices: ["phone"] }],
    actions: [{ do: "invite", operator_name: "Anna", text: "Chat from your phone?" }] }] });
  const phone = await on(PHONE, { width: 390, height: 800 });
  await inWidget(phone, ".teaser").filter({ hasText: "Chat from your phone?" }).waitFor({ timeout: 8000 });
  const desktop = await on(undefined, { width: 1280, height: 800 });
  await desktop.waitForTimeout(2500);
  assert.equal(await inWidget(desktop, ".teaser").filter({ hasText: "Chat from your phone?" }).count(), 0, "no invitation on a computer");
  for (const p of [phone, desktop]) await p.context().close();

  await configure({ hide_on_phones: true });
  const hidden = await on(PHONE, { width: 390, height: 800 });
  await hidden.locator("consultant-widget[hidden]").waitFor({ state: "attached", timeout: 5000 });
  assert.equal(await inWidget(hidden, "button.launcher").isVisible(), false);
  const tablet = await on(TABLET, { width: 820, height: 1180 });
  const computer = await on(undefined, { width: 1280, height: 800 });
  for (const p of [tablet, computer]) {
    await inWidget(p, "button.launcher").waitFor();
    assert.equal(await inWidget(p, "button.launcher").isVisible(), true);
  }
  for (const p of [hidden, tablet, computer]) {
    assert.deepEqual(p.errors, []);
    await p.context().close();
  }
  await configure({});
});

test("the JS API: contact info, custom data, sendMessage, startTrigger, getState, hide and show", async () => {
  await configure({
    triggers: [{ id: "never-by-itself", conditions: [{ if: "pages_viewed", at_least: 999 }],
      actions: [{ do: "invite", operator_name: "Boris", text: "Started from the page's code" }] }],
  });
  const page = await visitor();
  assert.equal((await page.evaluate(() => window.Consultant.getState())).ready, true);
  await page.click("#api-contact");
  await page.click("#api-custom");
  await page.click("#api-send");
  await openWidget(page);
  await log(page).locator("li.visitor:not(.pending)", { hasText: "Is the Yixing teapot in stock?" }).waitFor();
  const thrown = await page.evaluate(() => {
    try { window.Consultant.setContactInfo({ email: "not an email" }); return null; } catch (e) { return String(e); }
  });
  assert.match(thrown, /setContactInfo: email/);
  // Wrong types are refused with what was expected, not half read.
  const wrong = await page.evaluate(() =>
    [
      () => window.Consultant.setContactInfo({ name: 5 }),
      () => window.Consultant.setContactInfo("Ivan"),
      () => window.Consultant.setCustomData({ title: "not a list" }),
      () => window.Consultant.setCustomData([{ title: "Cart", content: 3 }]),
    ].map((call) => { try { call(); return null; } catch (e) { return String(e); } }),
  );
  assert.match(wrong[0], /setContactInfo: expected an object of strings/);
  assert.match(wrong[1], /setContactInfo: expected an object of strings/);
  assert.match(wrong[2], /setCustomData: expected an array/);
  assert.match(wrong[3], /setCustomData: expected an array/);

  await openConversation("Is the Yixing teapot in stock?");
  const card = consolePage.locator(".chat .card");
  await card.locator("dd", { hasText: "Ivan Petrov" }).waitFor();
  await card.locator("dd", { hasText: "2 × Yixing clay teapot" }).waitFor();
  assert.equal(await card.locator("a", { hasText: "A-1042" }).getAttribute("href"), "https://shop.example/orders/A-1042");

  await page.evaluate(() => window.Consultant.startTrigger("never-by-itself"));
  await log(page).locator("li.invitation", { hasText: "Started from the page's code" }).waitFor();
  await page.click("#api-hide");
  await page.locator("consultant-widget[hidden]").waitFor({ state: "attached" });
  await page.evaluate(() => window.Consultant.show());
  await inWidget(page, "button.launcher").waitFor();
  await page.click("#api-state");
  assert.match(await page.locator("#state").textContent(), /"ready":true/);
  await page.close();
});

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

test("files both ways: images previewed inline, other files as links, limits enforced", async () => {
  await configure({});
  const page = await visitor();
  await openWidget(page);
  await write(page, "Here is a photo of the crack");
  await inWidget(page, "input[type=file]").setInputFiles({ name: "трещина.png", mimeType: "image/png", buffer: PNG });
  const thumb = log(page).locator("li.visitor img.thumb");
  await thumb.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector("consultant-widget").shadowRoot.querySelector("img.thumb");
    return img && img.complete && img.naturalWidth === 1;
  });
  assert.equal(await thumb.getAttribute("alt"), "трещина.png");

  // A type the site does not take is refused with a reason in the visitor's language.
  await inWidget(page, "input[type=file]").setInputFiles({ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<h1>x</h1>") });
  await inWidget(page, ".notice").filter({ hasText: "This type of file cannot be sent" }).waitFor();

  await consolePage.locator("button.conv", { hasText: "📎 трещина.png" }).click();
  await consolePage.locator("ol.log li.visitor img.thumb").waitFor();
  await consolePage.locator("input[type=file]").setInputFiles({ name: "care-guide.txt", mimeType: "text/plain", buffer: Buffer.from("Rinse with hot water only.") });
  const link = log(page).locator("li.operator a.file", { hasText: "care-guide.txt" });
  await link.waitFor();
  const href = await link.getAttribute("href");
  const download = await fetch(href);
  assert.equal(download.status, 200);
  assert.equal(await download.text(), "Rinse with hot water only.");
  assert.match(download.headers.get("content-disposition"), /^attachment/);
  assert.equal(download.headers.get("x-content-type-options"), "nosniff");

  // The relay checks again: forged types, oversize files, other people's conversations.
  const fileUrl = new URL(href);
  const token = fileUrl.searchParams.get("token");
  const uploadUrl = fileUrl.origin + fileUrl.pathname.replace(/\/files\/.*$/, "/files");
  const upload = (body, type, auth = token) =>
    fetch(uploadUrl, { method: "POST", body, headers: { Authorization: `Bearer ${auth}`, "Content-Type": type, "X-File-Name": "x" } });
  assert.equal((await upload("<html>", "image/png")).status, 415);
  assert.equal((await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 97), "text/plain")).status, 413);
  const stranger = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json.token;
  assert.equal((await upload(PNG, "image/png", stranger)).status, 403);
  fileUrl.searchParams.set("token", stranger);
  assert.equal((await fetch(fileUrl)).status, 403);
  await page.close();
});

test("API calls made before the widget loaded are replayed in order, none lost", async () => {
  await configure({});
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  // Both wasm modules held back: the calls wait in the loader, then in the page module.
  await page.route("**/widget/*_bg.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${shop.origin}/index.html`);
  await inWidget(page, "button.launcher").waitFor();
  await page.evaluate(() => {
    window.Consultant.setContactInfo({ name: "Queued Quentin" });
    window.Consultant.sendMessage("Sent before the widget loaded");
    window.Consultant.open();
  });
  assert.equal((await page.evaluate(() => window.Consultant.getState())).ready, false);
  release();
  await inWidget(page, "section.window:not([hidden])").waitFor();
  await log(page).locator("li.visitor:not(.pending)", { hasText: "Sent before the widget loaded" }).waitFor();
  await openConversation("Sent before the widget loaded");
  await consolePage.locator(".chat .card dd", { hasText: "Queued Quentin" }).waitFor();
  assert.match(await page.locator("#events").textContent(), /ready\n(trigger\n)*message:sent\nopen\n/);
  await context.close();
});

const XSS = [
  "<script>window.__xss = 1</script>",
  "<img src=x onerror=\"window.__xss = 2\">",
  "<svg onload=\"window.__xss = 3\"></svg>",
  "<iframe src=\"javascript:window.__xss = 4\"></iframe>",
  "\"><a href=\"javascript:window.__xss=5\">click</a>",
  "{{constructor.constructor('window.__xss=6')()}}",
];

test("XSS payloads from either side stay text", async () => {
  await configure({});
  const page = await visitor();
  await openWidget(page);
  for (const payload of XSS) await write(page, payload);
  await openConversation("constructor");
  for (const payload of XSS) {
    await consolePage.fill("#reply", payload);
    await consolePage.press("#reply", "Enter");
  }
  await log(page).locator("li.operator", { hasText: "constructor" }).waitFor();
  await consolePage.locator("ol.log li.operator", { hasText: "constructor" }).waitFor();
  for (const p of [page, consolePage]) {
    const root = p === page ? log(page) : p.locator("ol.log");
    assert.equal(await root.locator("script, img, svg, iframe, a").count(), 0);
    assert.equal(await p.evaluate(() => window.__xss), undefined);
  }
  const texts = await log(page).locator("li.visitor p.text").allTextContents();
  for (const payload of XSS) assert.ok(texts.includes(payload), payload);
  await page.close();
});

test("a host page with aggressive global CSS does not break the widget", async () => {
  const page = await visitor("hostile.html");
  const launcher = inWidget(page, "button.launcher");
  const box = await launcher.boundingBox();
  assert.equal(Math.round(box.width), 56);
  assert.equal(Math.round(box.height), 56);
  await launcher.click();
  const window = inWidget(page, "section.window:not([hidden])");
  await window.waitFor();
  assert.equal(Math.round((await window.boundingBox()).width), 370);
  await write(page, "Still works");
  await page.close();
});

test("a long history opens with its newest 100 messages; earlier ones on request, down to the first", async () => {
  await configure({});
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await socket.next((f) => f.type === "welcome");
  for (let i = 1; i <= 130; i++) socket.send({ type: "send", client_id: `long-${i}`, text: `note ${i} of 130` });
  await socket.next((f) => f.type === "ack" && f.client_id === "long-130", 20_000);
  await socket.close();
  const context = await browser.newContext();
  await context.addInitScript((token) => localStorage.setItem("consultant:demo:token", token), v.token);
  const page = await context.newPage();
  page.errors = watchErrors(page);
  await page.goto(`${shop.origin}/index.html`);
  await page.waitForFunction(() => window.Consultant.getState().messages >= 130);
  await openWidget(page);
  const texts = () => log(page).locator("li.visitor p.text").allTextContents();
  await log(page).locator("li.visitor", { hasText: "note 130 of 130" }).waitFor();
  assert.equal((await texts()).length, 100);
  assert.equal((await texts())[0], "note 31 of 130");
  await inWidget(page, "li.earlier button").click();
  await log(page).locator("li.visitor", { hasText: "note 1 of 130" }).waitFor();
  assert.equal((await texts()).length, 130);
  assert.equal(await inWidget(page, "li.earlier").count(), 0, "nothing earlier than the first");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("no page errors in the console", () => {
  const unexpected = consolePage.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e));
  assert.deepEqual(unexpected, []);
});
