// Automatic answers: admins keep question/answer pairs (keywords and phrasings, matched in any
// word form); a visitor's first message that asks one gets the answer at once, marked as
// automatic, with "Was this helpful? / Talk to a person". Asking for a person, or writing
// again, routes the chat as usual; operators read what the answer said; reports count
// answered-automatically, helpful and handed-over. Who may keep them, and what a visitor's or
// an operator's socket may do with them, is checked as an attacker would try it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, call, ROOT, chatWithWords } from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations, consoleAs } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";
import { openSocket } from "../support/socket.mjs";

const fixture = relayFixture();
let relay, shop, browser, ownerAccount, owner, oleg;
const sockets = [];
const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const OLEG = { name: "Oleg", email: "oleg@shop.test", password: "Oleg-password-1", role: "operator" };

const DELIVERY = {
  question: "Delivery costs",
  keywords: ["доставка", " shipping ", "Shipping"],
  phrasings: ["How much is delivery?", "Сколько стоит привезти заказ?"],
  answer: "Delivery is free over 3000 ₽; otherwise 300 ₽ within two days.",
};

/** The chat whose messages hold `words` once `ready(summary)` holds (history, as the owner). */
const chatWith = (words, ready, timeoutMs) => chatWithWords(relay, owner.token, words, ready, timeoutMs);

/** A new visitor's socket on his own conversation. */
async function visitor() {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  sockets.push(socket);
  await socket.next((f) => f.type === "welcome");
  return { ...v, socket };
}

before(async () => {
  relay = await startRelay(fixture, 8860);
  shop = await startShop(8861, relay.origin);
  browser = await launchBrowser();
  ownerAccount = await bootstrap(relay, fixture);
  owner = await signIn(relay, ownerAccount);
  assert.equal((await putSettings(relay, owner.token, siteSettings({ contact_form: { mode: "never" }, departments: [], routing: { auto_assign: true, operators: [], regions: [] } }))).status, 204);
  assert.equal((await call(relay, "POST", "/api/v1/sites/demo/operators", owner.token, OLEG)).status, 201);
  oleg = await signIn(relay, OLEG);
  // Oleg is online: routing has someone to give chats to.
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${oleg.token}`);
  sockets.push(inbox);
  await inbox.next((f) => f.type === "snapshot");
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => {});
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("owners and admins keep the answers; operators, strangers and other sites' admins cannot", async () => {
  const added = await call(relay, "POST", "/api/v1/sites/demo/auto-answers", owner.token, { ...DELIVERY, id: "chosen-by-me" });
  assert.equal(added.status, 201, added.text);
  assert.notEqual(added.json.id, "chosen-by-me", "the relay gives the id");
  assert.deepEqual(added.json.keywords, ["доставка", "shipping"], "tidied, doubles in any case dropped");
  const returns = await call(relay, "POST", "/api/v1/sites/demo/auto-answers", owner.token, {
    question: "Returns",
    keywords: ["refund", "вернуть деньги"],
    phrasings: [],
    answer: "Write to returns@shop.test within 14 days.",
  });
  assert.equal(returns.status, 201);
  const list = await call(relay, "GET", "/api/v1/sites/demo/auto-answers", owner.token);
  assert.deepEqual(list.json.map((a) => a.question), ["Delivery costs", "Returns"]);

  // Bad input: a clear error naming the field, nothing stored.
  for (const [body, field] of [
    [{ ...DELIVERY, answer: "   " }, "answer"],
    [{ ...DELIVERY, question: "" }, "question"],
    [{ ...DELIVERY, question: "q".repeat(201) }, "question"],
    [{ ...DELIVERY, answer: "a".repeat(2001) }, "answer"],
    [{ ...DELIVERY, keywords: ["k".repeat(61)] }, "keywords"],
    [{ ...DELIVERY, phrasings: Array.from({ length: 21 }, (_, i) => `way ${i}`) }, "phrasings"],
  ]) {
    const refused = await call(relay, "POST", "/api/v1/sites/demo/auto-answers", owner.token, body);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.code, "invalid_field");
    assert.ok(refused.json.message.startsWith(field), refused.json.message);
  }
  assert.equal((await call(relay, "POST", "/api/v1/sites/demo/auto-answers", owner.token, "{not json")).status, 400);
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/auto-answers", owner.token)).json.length, 2);

  // Changing one keeps its place; an unknown id is a 404.
  const id = returns.json.id;
  const changed = await call(relay, "PUT", `/api/v1/sites/demo/auto-answers/${id}`, owner.token, { ...returns.json, answer: "Write to returns@shop.test within 30 days." });
  assert.equal(changed.status, 200, changed.text);
  assert.equal((await call(relay, "PUT", "/api/v1/sites/demo/auto-answers/nope", owner.token, DELIVERY)).status, 404);
  assert.equal((await call(relay, "DELETE", "/api/v1/sites/demo/auto-answers/nope", owner.token)).status, 404);
  const kept = (await call(relay, "GET", "/api/v1/sites/demo/auto-answers", owner.token)).json;
  assert.deepEqual(kept.map((a) => a.question), ["Delivery costs", "Returns"]);
  assert.equal(kept[1].answer, "Write to returns@shop.test within 30 days.");

  // An operator reads the answers in chats, never keeps them; nobody signed in is refused.
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/auto-answers", oleg.token)).status, 403);
  assert.equal((await call(relay, "POST", "/api/v1/sites/demo/auto-answers", oleg.token, DELIVERY)).status, 403);
  assert.equal((await call(relay, "PUT", `/api/v1/sites/demo/auto-answers/${id}`, oleg.token, DELIVERY)).status, 403);
  assert.equal((await call(relay, "DELETE", `/api/v1/sites/demo/auto-answers/${id}`, oleg.token)).status, 403);
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/auto-answers")).status, 401);
  assert.equal((await call(relay, "POST", "/api/v1/sites/demo/auto-answers", "forged.token", DELIVERY)).status, 401);
  // The owner of another site has no say over this one's.
  const other = await call(relay, "POST", "/api/v1/sites", owner.token, { site: "rival", name: "Rival shop" });
  assert.equal(other.status, 201, other.text);
  assert.equal((await call(relay, "POST", "/api/v1/sites/rival/operators", other.json.token, { ...OLEG, name: "Rita", email: "rita@rival.test", role: "admin" })).status, 201);
  const rita = await signIn(relay, { email: "rita@rival.test", password: OLEG.password });
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/auto-answers", rita.token)).status, 403);
  assert.equal((await call(relay, "DELETE", `/api/v1/sites/demo/auto-answers/${id}`, rita.token)).status, 403);
  assert.deepEqual((await call(relay, "GET", "/api/v1/sites/rival/auto-answers", rita.token)).json, [], "each site its own");
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/auto-answers", owner.token)).json.length, 2, "nothing removed");

  // A script in a loop cannot grow the list past 100.
  let status = 201;
  for (let i = 0; status === 201 && i < 110; i++) {
    status = (await call(relay, "POST", "/api/v1/sites/demo/auto-answers", owner.token, { question: `Filler ${i}`, keywords: [`filler${i}`], answer: "x" })).status;
  }
  assert.equal(status, 400);
  const full = (await call(relay, "GET", "/api/v1/sites/demo/auto-answers", owner.token)).json;
  assert.equal(full.length, 100);
  for (const a of full.filter((a) => a.question.startsWith("Filler"))) {
    assert.equal((await call(relay, "DELETE", `/api/v1/sites/demo/auto-answers/${a.id}`, owner.token)).status, 204);
  }
});

test("the widget answers a first question at once; 'Talk to a person' routes the chat, and operators read the answer", async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" })).newPage();
  page.errors = watchErrors(page);
  await page.goto(`${shop.origin}/index.html`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await inWidget(page, "button.launcher").click();
  await inWidget(page, "textarea#cw-input").fill("Hi! How much is the shipping to Kazan?");
  await inWidget(page, "textarea#cw-input").press("Enter");
  const bot = inWidget(page, "li.msg.operator").filter({ hasText: DELIVERY.answer });
  await bot.waitFor();
  assert.match(await bot.innerText(), /Automatic answer/);
  const verdict = inWidget(page, "[role=group]").filter({ hasText: "Was this helpful?" });
  await verdict.waitFor();
  assert.deepEqual(await seriousViolations(page, "consultant-widget"), []);
  const waiting = await chatWith("shipping to Kazan", (s) => s.state.auto_answer);
  assert.equal(waiting.state.auto_answer.outcome, "offered");
  assert.equal(waiting.state.auto_answer.question, "Delivery costs");
  assert.equal(waiting.state.assignee, undefined, "not routed while the answer may do");

  await verdict.getByRole("button", { name: "Talk to a person" }).click();
  await verdict.waitFor({ state: "detached" });
  const routed = await chatWith("shipping to Kazan", (s) => s.state.assignee);
  assert.equal(routed.state.assignee.name, "Oleg");
  assert.equal(routed.state.auto_answer.outcome, "handed_over");
  await inWidget(page, "li.msg.system").filter({ hasText: "Oleg" }).waitFor();

  // Oleg reads the question, what the relay answered (signed as automatic), and then answers.
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${routed.id}/operator-socket?token=${oleg.token}`);
  sockets.push(op);
  const welcome = await op.next((f) => f.type === "welcome");
  const kinds = welcome.messages.map((m) => (m.event ? `event:${m.event.event}` : m.author.kind));
  assert.deepEqual(kinds, ["visitor", "bot", "event:assigned"]);
  assert.equal(welcome.messages[1].text, DELIVERY.answer);
  op.send({ type: "send", client_id: "o1", text: "It is 300 ₽ to Kazan." });
  await inWidget(page, "li.msg.operator").filter({ hasText: "300 ₽ to Kazan" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("in Russian, word forms match; 'helpful' needs nobody and the chat is not missed", async () => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 800 }, locale: "ru-RU" })).newPage();
  page.errors = watchErrors(page);
  await page.goto(`${shop.origin}/ru.html`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await inWidget(page, "button.launcher").click();
  await inWidget(page, "textarea#cw-input").fill("Здравствуйте, а доставку в Тверь делаете?");
  await inWidget(page, "textarea#cw-input").press("Enter");
  const bot = inWidget(page, "li.msg.operator").filter({ hasText: DELIVERY.answer });
  await bot.waitFor();
  assert.match(await bot.innerText(), /Автоответ/);
  const verdict = inWidget(page, "[role=group]").filter({ hasText: "Это помогло?" });
  await verdict.getByRole("button", { name: "Да, спасибо" }).click();
  await inWidget(page, "li.msg.system").filter({ hasText: "Рады помочь!" }).waitFor();
  await verdict.waitFor({ state: "detached" });
  const helped = await chatWith("доставку в Тверь", (s) => s.state.auto_answer?.outcome === "helpful");
  assert.equal(helped.state.assignee, undefined, "nobody else was needed");
  assert.deepEqual(await seriousViolations(page, "consultant-widget"), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  const day = 24 * 3600 * 1000;
  const report = await call(relay, "GET", `/api/v1/sites/demo/reports?from=${Date.now() - day}&to=${Date.now() + day}&tz=0`, owner.token);
  assert.deepEqual(report.json.automatic, { answered: 2, helpful: 1, handed_over: 1 });
  const csv = await call(relay, "GET", `/api/v1/sites/demo/reports.csv?from=${Date.now() - day}&to=${Date.now() + day}&tz=0`, owner.token);
  const header = csv.text.split("\r\n")[0].split(",");
  const column = header.indexOf("auto_answer");
  assert.ok(column > 0);
  const row = csv.text.split("\r\n").find((l) => l.startsWith(helped.id));
  assert.equal(row.split(",")[column], "helpful");
  assert.equal(row.split(",")[header.indexOf("missed")], "false", "answered, not missed");
});

test("sockets: only the first question is answered, writing again hands over, and verdicts cannot be forged", async () => {
  // Nothing matches: routed at once, no automatic answer.
  const plain = await visitor();
  plain.socket.send({ type: "send", client_id: "p1", text: "Do you sell teapots in blue?" });
  const routedAtOnce = await plain.socket.next((f) => f.type === "state" && f.state.assignee);
  assert.equal(routedAtOnce.state.auto_answer, undefined);
  // Nothing awaits a verdict: refused.
  plain.socket.send({ type: "auto_feedback", helpful: false });
  assert.equal((await plain.socket.next((f) => f.type === "error")).code, "conflict");
  // A later message that asks a question gets no automatic answer: he is talking to people.
  plain.socket.send({ type: "send", client_id: "p2", text: "And how much is delivery?" });
  await plain.socket.next((f) => f.type === "ack" && f.client_id === "p2");
  await sleep(500);
  assert.ok(!plain.socket.frames.some((f) => f.type === "message" && f.message.author.kind === "bot"));

  // Answered; the visitor writes again instead of choosing: handed over and routed.
  const again = await visitor();
  again.socket.send({ type: "send", client_id: "a1", text: "Сколько стоит доставка?" });
  await again.socket.next((f) => f.type === "message" && f.message.author.kind === "bot");
  const offered = await again.socket.next((f) => f.type === "state" && f.state.auto_answer);
  assert.equal(offered.state.auto_answer.outcome, "offered");
  assert.equal(offered.state.assignee, undefined);
  // An operator cannot give the visitor's verdict.
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${again.conversation}/operator-socket?token=${owner.token}`);
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "auto_feedback", helpful: true });
  assert.equal((await op.next((f) => f.type === "error")).code, "forbidden");
  again.socket.send({ type: "send", client_id: "a2", text: "Hello? A real person please" });
  const handed = await again.socket.next((f) => f.type === "state" && f.state.assignee);
  assert.equal(handed.state.auto_answer.outcome, "handed_over");
  // Once handed over, no verdict changes it.
  again.socket.send({ type: "auto_feedback", helpful: true });
  assert.equal((await again.socket.next((f) => f.type === "error")).code, "conflict");
  const summary = await chatWith("real person please");
  assert.equal(summary.state.auto_answer.outcome, "handed_over");
  // Malformed verdicts are refused by the decoder.
  again.socket.send({ type: "auto_feedback", helpful: "yes" });
  assert.equal((await again.socket.next((f) => f.type === "error")).code, "invalid_field");
});

test("the console: keep answers on their screen, try a message, read the answer's fate on the visitor card; axe clean", async () => {
  const page = await consoleAs(browser, relay, ownerAccount, { width: 1400, height: 900 });
  await page.getByRole("link", { name: "Automatic answers" }).click();
  const table = page.locator("main.answers table");
  await table.locator("tr", { hasText: "Delivery costs" }).waitFor();
  await page.getByRole("heading", { name: "New automatic answer" }).waitFor();
  const form = page.locator("form[aria-labelledby=answer-form-title]");
  await form.getByLabel("Question", { exact: true }).fill("Opening hours");
  await form.getByLabel("Keywords, separated by commas").fill("opening hours, часы работы");
  await form.getByLabel("How visitors ask it, one question per line").fill("Are you open on Sunday?\nДо скольки вы работаете?");
  await form.getByLabel("Answer", { exact: true }).fill("We are open 9 to 21 every day.");
  await form.getByRole("button", { name: "Add the answer" }).click();
  await table.locator("tr", { hasText: "Opening hours" }).waitFor();
  const stored = (await call(relay, "GET", "/api/v1/sites/demo/auto-answers", owner.token)).json.find((a) => a.question === "Opening hours");
  assert.deepEqual(stored.phrasings, ["Are you open on Sunday?", "До скольки вы работаете?"]);

  // Try a message: the same matching as the relay's.
  const trial = page.getByLabel("A visitor writes");
  await trial.fill("до скольки работаете в субботу?");
  await page.locator("p.try-result", { hasText: "Answered automatically: Opening hours" }).waitFor();
  await trial.fill("I like your teapots");
  await page.locator("p.try-result", { hasText: "No answer matches" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);

  // Change an answer: its fields come back into the form.
  await page.getByRole("button", { name: "Edit Opening hours" }).click();
  await page.getByRole("heading", { name: "Edit the answer" }).waitFor();
  await form.getByLabel("Answer", { exact: true }).fill("We are open 9 to 22 every day.");
  await page.getByRole("button", { name: "Save the answer" }).click();
  await table.locator("tr", { hasText: "9 to 22" }).waitFor();
  await page.screenshot({ path: join(ROOT, "docs/screenshots/auto-answers.png") });

  // The visitor card tells what became of a chat's automatic answer; the inbox marks a chat
  // whose answer still waits for the visitor's verdict.
  const deciding = await visitor();
  deciding.socket.send({ type: "send", client_id: "d1", text: "What are your opening hours?" });
  await deciding.socket.next((f) => f.type === "state" && f.state.auto_answer?.outcome === "offered");
  await page.getByRole("link", { name: "Conversations" }).click();
  await page.locator("button.view", { hasText: "All" }).click();
  await page.locator("nav.inbox button.conv", { hasText: "9 to 22" }).locator(".badge", { hasText: "answered automatically" }).waitFor();
  assert.equal(await page.locator("nav.inbox button.conv", { hasText: "real person please" }).locator(".badge", { hasText: "answered automatically" }).count(), 0);
  await page.locator("nav.inbox button.conv", { hasText: "real person please" }).click();
  await page.locator("dd.auto-answer", { hasText: "«Delivery costs» — the visitor asked for a person" }).waitFor();
  await page.locator("li.msg.bot", { hasText: DELIVERY.answer }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole("link", { name: "Reports" }).click();
  await page.locator("dl.automatic").waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
