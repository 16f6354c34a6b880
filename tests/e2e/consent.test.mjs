// Consent to the processing of personal data (152-ФЗ, GDPR): a site may require a checkbox
// with its policy link on the contact and offline forms. The conversation keeps the words the
// visitor read, the policy's address and when; without his agreement it keeps no contact data,
// whatever a script sends. The widget asks in the visitor's language (or the site's words),
// keyboard and screen reader included; operators see the record on the visitor card.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, call, chatWithWords } from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations, consoleAs } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";
import { openSocket } from "../support/socket.mjs";

const fixture = relayFixture();
let relay, shop, browser, account, owner, oleg;
const sockets = [];
let counter = 0;
const id = () => `c${++counter}`;
const POLICY = "https://shop.example/privacy";
const ENGLISH = "I agree to the processing of my personal data";
const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);
const member = (name) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role: "operator" });
const ws = (path, token) => `${relay.wsOrigin}/api/v1/sites/demo${path}?token=${token}`;

async function configure(changes) {
  const saved = await putSettings(relay, owner.token, siteSettings({ routing: { auto_assign: false, operators: [], regions: [] }, ...changes }));
  assert.equal(saved.status, 204, JSON.stringify(saved.json));
}

async function visitorSocket() {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(ws(`/conversations/${v.conversation}/visitor-socket`, v.token));
  sockets.push(socket);
  await socket.next((f) => f.type === "welcome");
  return { ...v, socket };
}

/** The conversation's state as an operator opening it now sees it. */
async function operatorView(conversation) {
  const op = await openSocket(ws(`/conversations/${conversation}/operator-socket`, owner.token));
  const welcome = await op.next((f) => f.type === "welcome");
  await op.close();
  return welcome;
}

/** The conversation whose messages hold `words`, as history finds it (waits for it). */
/** The chat whose messages hold `words` once `ready(summary)` holds (history, as the owner). */
const chatWith = (words, ready, timeoutMs) => chatWithWords(relay, owner.token, words, ready, timeoutMs);

async function page(locale) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  const p = await context.newPage();
  p.errors = watchErrors(p);
  await p.goto(`${shop.origin}/index.html`);
  await p.waitForFunction(() => window.Consultant.getState().ready);
  return p;
}

before(async () => {
  relay = await startRelay(fixture, 8854);
  shop = await startShop(8855, relay.origin);
  browser = await launchBrowser();
  account = await bootstrap(relay, fixture);
  owner = await signIn(relay, account);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", member("Oleg"), { Authorization: `Bearer ${owner.token}` })).status, 201);
  oleg = await signIn(relay, member("Oleg"));
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => {});
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("settings: a required consent needs a real policy address; only admins set it; the widget is told only when it is required", async () => {
  for (const [consent, why] of [
    [{ required: true }, /^consent\.policy_url: required when consent is required$/],
    [{ required: true, policy_url: "javascript:alert(1)" }, /^consent\.policy_url: expected an https:\/\/ address/],
    [{ required: true, policy_url: "//evil.example/p" }, /^consent\.policy_url/],
    [{ required: true, policy_url: POLICY, text: "  " }, /^consent\.text: 1 to 500/],
  ]) {
    const refused = await putSettings(relay, owner.token, siteSettings({ consent }));
    assert.equal(refused.status, 400, JSON.stringify(consent));
    assert.match(refused.json.message, why);
  }
  await configure({ consent: { required: false, policy_url: POLICY } });
  const config = async () => (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`, { headers: { Origin: shop.origin } })).json();
  assert.equal((await config()).consent, undefined, "not asked: the widget shows no checkbox");
  await configure({ consent: { required: true, policy_url: POLICY } });
  assert.deepEqual((await config()).consent, { required: true, policy_url: POLICY });
  const byOperator = await putSettings(relay, oleg.token, siteSettings({ consent: { required: false } }));
  assert.equal(byOperator.status, 403);
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/settings", owner.token)).json.consent.required, true);
});

test("without the visitor's agreement no contact is kept, whatever a script sends; with it, the words, the address and the time are", async () => {
  await configure({ consent: { required: true, policy_url: POLICY }, contact_form: { mode: "during" } });
  const v = await visitorSocket();
  v.socket.send({ type: "contact", contact: { name: "Ivan", email: "ivan@mail.ru" } });
  const refused = await v.socket.next((f) => f.type === "error");
  assert.equal(refused.code, "consent_required");
  v.socket.send({ type: "offline", client_id: "off-1", contact: { email: "ivan@mail.ru" }, text: "Call me" });
  const offline = await v.socket.next((f) => f.type === "error");
  assert.equal(offline.code, "consent_required");
  assert.equal(offline.client_id, "off-1", "the widget gives the text back");
  v.socket.send({ type: "consent", text: ENGLISH, policy_url: "javascript:alert(1)" });
  assert.equal((await v.socket.next((f) => f.type === "error")).code, "invalid_field");
  // An empty contact (nothing to keep) is no contact data.
  v.socket.send({ type: "contact", contact: {} });
  await v.socket.next((f) => f.type === "done" && f.command === "contact");
  v.socket.send({ type: "send", client_id: id(), text: "Hello" });
  await v.socket.next((f) => f.type === "ack");
  let seen = await operatorView(v.conversation);
  assert.deepEqual(seen.state.contact, {}, "nothing of the refused contact was kept");
  assert.equal(seen.state.consent, undefined);
  assert.equal(seen.messages.some((m) => m.text === "Call me"), false, "the refused offline message was not stored");

  // An operator cannot agree for the visitor.
  const op = await openSocket(ws(`/conversations/${v.conversation}/operator-socket`, oleg.token));
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "consent", text: ENGLISH, policy_url: POLICY });
  assert.equal((await op.next((f) => f.type === "error")).code, "forbidden");

  const before = Date.now();
  v.socket.send({ type: "consent", text: `  ${ENGLISH} `, policy_url: POLICY });
  await v.socket.next((f) => f.type === "done" && f.command === "consent");
  v.socket.send({ type: "contact", contact: { name: "Ivan", email: "ivan@mail.ru" } });
  await v.socket.next((f) => f.type === "done" && f.command === "contact");
  seen = await operatorView(v.conversation);
  assert.equal(seen.state.contact.name, "Ivan");
  assert.equal(seen.state.consent.text, ENGLISH);
  assert.equal(seen.state.consent.policy_url, POLICY);
  assert.ok(seen.state.consent.at >= before - 1000 && seen.state.consent.at <= Date.now() + 1000);
  // History carries the record (as do the REST API and webhooks: the same summary).
  const found = await call(relay, "GET", "/api/v1/sites/demo/history?text=ivan", owner.token);
  assert.equal(found.json.conversations[0].state.consent.text, ENGLISH);
});

test("the offline form asks in Russian with the site's own words; nothing goes until the box is ticked", async () => {
  const words = "Согласен с политикой обработки данных магазина";
  await configure({ locale: "ru", consent: { required: true, policy_url: POLICY, text: words }, contact_form: { mode: "never" } });
  const p = await page("ru-RU");
  await inWidget(p, "button.launcher").click();
  const form = inWidget(p, "form.offline");
  await form.waitFor();
  const box = form.getByLabel(`${words} (обязательно)`);
  assert.equal(await box.isChecked(), false);
  assert.equal(await form.getByRole("link", { name: "Политика конфиденциальности" }).getAttribute("href"), POLICY);
  await form.getByLabel("E-mail").fill("olga@mail.ru");
  await form.getByLabel(/Ваш вопрос/).fill("Есть ли чайник на 2 литра?");
  await form.getByRole("button", { name: "Отправить" }).click();
  await form.getByText("Отметьте согласие — без него мы не можем сохранить ваши контакты.").waitFor();
  assert.equal(await box.getAttribute("aria-invalid"), "true");
  await new Promise((r) => setTimeout(r, 300));
  const early = await call(relay, "GET", `/api/v1/sites/demo/history?text=${encodeURIComponent("чайник на 2 литра")}`, owner.token);
  assert.deepEqual(early.json.conversations, [], "nothing was sent");
  assert.deepEqual(await seriousViolations(p, "consultant-widget"), []);
  // By keyboard: Space ticks the box, Enter in a field sends.
  await box.focus();
  await p.keyboard.press("Space");
  await form.getByLabel("E-mail").press("Enter");
  const seen = await chatWith("чайник на 2 литра", (s) => s.state.contact.email);
  assert.equal(seen.state.contact.email, "olga@mail.ru");
  assert.equal(seen.state.consent.text, words, "the words she read");
  assert.equal(seen.state.offline, true);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test("the contact form asks in English; the page's own contact data waits for the agreement; the console shows the record", async () => {
  await configure({ consent: { required: true, policy_url: POLICY }, contact_form: { mode: "before", name: "required", email: "optional", phone: "optional", custom: [] } });
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${owner.token}`);
  sockets.push(inbox);
  await inbox.next((f) => f.type === "snapshot");
  const p = await page("en-GB");
  // The host page passes what it knows before the visitor has agreed to anything.
  await p.evaluate(() => window.Consultant.setContactInfo({ phone: "+7 912 345-67-89" }));
  await inWidget(p, "button.launcher").click();
  const form = inWidget(p, "form.contact");
  await form.waitFor();
  assert.deepEqual(await seriousViolations(p, "consultant-widget"), []);
  await form.getByLabel("Name (required)").fill("Anna");
  await form.getByRole("button", { name: "Start chat" }).click();
  await form.getByText("Tick the box to agree, or we cannot keep your contact details.").waitFor();
  await form.getByLabel(`${ENGLISH} (required)`).check();
  await form.getByRole("button", { name: "Start chat" }).click();
  await inWidget(p, "textarea#cw-input").waitFor();
  assert.equal(await inWidget(p, "#cw-consent").count(), 0, "asked once");
  await inWidget(p, "textarea#cw-input").fill("Do you have green tea?");
  await inWidget(p, "textarea#cw-input").press("Enter");
  const seen = await chatWith("green tea", (s) => s.state.contact.phone);
  assert.equal(seen.state.contact.name, "Anna");
  assert.equal(seen.state.contact.phone, "+7 912 345-67-89", "the page's data went with the agreement");
  assert.equal(seen.state.consent.text, ENGLISH);
  assert.deepEqual(p.errors, []);

  const consolePage = await consoleAs(browser, relay, account);
  await consolePage.getByRole("button", { name: "All", exact: true }).click();
  await consolePage.locator("nav.inbox button.conv", { hasText: "Anna" }).click();
  const record = consolePage.locator("#visitor-card dd.consent");
  await record.waitFor();
  assert.match(await record.textContent(), new RegExp(`✓ .* — «${ENGLISH}» policy`));
  assert.equal(await record.getByRole("link", { name: "policy" }).getAttribute("href"), POLICY);
  assert.deepEqual(await seriousViolations(consolePage), []);

  // Settings: the console edits it with the contact form.
  await consolePage.getByRole("link", { name: "Settings" }).click();
  const section = consolePage.locator("form[aria-labelledby=contact-form-title]");
  await section.getByLabel(/Ask visitors to agree/).uncheck();
  await section.getByRole("button", { name: "Save" }).click();
  await section.locator("[role=status]", { hasText: "Saved" }).waitFor();
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/settings", owner.token)).json.consent.required, false);
  assert.deepEqual(await seriousViolations(consolePage), []);
  assert.deepEqual(consolePage.errors, []);
  await consolePage.context().close();
  await p.context().close();
});
