// When the rating survey is offered: when the chat ends (the default), also after minutes of
// silence once an operator has answered (the chat stays open and may be rated), or never.
// The relay decides and says so in the chat's state (`survey`); the widget shows the survey then.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson } from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";
import { openSocket } from "../support/socket.mjs";

const fixture = relayFixture();
// A survey "minute" is 400 ms here (SURVEY_MINUTE_MS).
const MINUTE_MS = 400;
let relay, shop, browser, owner;
const sockets = [];
const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let counter = 0;

async function configure(rating) {
  const base = siteSettings();
  const saved = await putSettings(relay, owner.token, siteSettings({ contact_form: { mode: "never" }, routing: { auto_assign: false, operators: [], regions: [] }, rating: { ...base.rating, ...rating } }));
  assert.equal(saved.status, 204, JSON.stringify(saved.json));
}

/** A visitor writes, the owner answers; both sockets. */
async function answeredChat() {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${owner.token}`);
  sockets.push(visitor, op);
  await visitor.next((f) => f.type === "welcome");
  await op.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: `q${++counter}`, text: "Which teapot for oolong?" });
  await visitor.next((f) => f.type === "ack");
  op.send({ type: "send", client_id: `a${++counter}`, text: "The clay one." });
  await op.next((f) => f.type === "ack");
  return { visitor, op };
}

before(async () => {
  relay = await startRelay(fixture, 8858, { SURVEY_MINUTE_MS: String(MINUTE_MS) });
  shop = await startShop(8859, relay.origin);
  browser = await launchBrowser();
  owner = await signIn(relay, await bootstrap(relay, fixture));
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => {});
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("settings: the silence is 1 to 1440 minutes", async () => {
  const base = siteSettings();
  const refused = await putSettings(relay, owner.token, siteSettings({ rating: { ...base.rating, offer: "after_silence", silence_minutes: 0 } }));
  assert.equal(refused.status, 400);
  assert.equal(refused.json.message, "rating.silence_minutes: expected 1 to 1440 minutes");
  const unknown = await putSettings(relay, owner.token, siteSettings({ rating: { ...base.rating, offer: "sometimes" } }));
  assert.equal(unknown.status, 400);
});

test("on close (the default): the ended chat asks; an open one may not be rated", async () => {
  await configure({ offer: "on_close" });
  const { visitor, op } = await answeredChat();
  visitor.send({ type: "rate", score: 5 });
  assert.equal((await visitor.next((f) => f.type === "error")).code, "forbidden", "still open");
  op.send({ type: "close" });
  const closed = await visitor.next((f) => f.type === "state" && f.state.status === "closed");
  assert.equal(closed.state.survey, true);
});

test("after a silence: the open chat asks once it is quiet, and takes the rating; a message before moves the time on", async () => {
  await configure({ offer: "after_silence", silence_minutes: 3 });
  const { visitor, op } = await answeredChat();
  const answeredAt = Date.now();
  await sleep(2 * MINUTE_MS);
  op.send({ type: "send", client_id: `a${++counter}`, text: "Anything else?" });
  await op.next((f) => f.type === "ack");
  const movedAt = Date.now();
  const asked = await visitor.next((f) => f.type === "state" && f.state.survey, 5000);
  const waited = Date.now() - movedAt;
  assert.ok(waited >= 3 * MINUTE_MS - 100, `asked ${waited} ms after the last message`);
  assert.ok(Date.now() - answeredAt >= 5 * MINUTE_MS - 100, "the message in between moved it on");
  assert.equal(asked.state.status, "open", "the chat is not closed");
  visitor.send({ type: "rate", score: 4, comment: "Helpful" });
  await visitor.next((f) => f.type === "done" && f.command === "rate");
});

test("a chat nobody answered is not asked after a silence; never: closing does not ask", async () => {
  await configure({ offer: "after_silence", silence_minutes: 1 });
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  sockets.push(visitor);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: `q${++counter}`, text: "Hello?" });
  await visitor.next((f) => f.type === "ack");
  await sleep(4 * MINUTE_MS);
  assert.ok(!visitor.frames.some((f) => f.type === "state" && f.state.survey), "unanswered: nothing to rate");

  await configure({ offer: "never" });
  const { visitor: second, op } = await answeredChat();
  op.send({ type: "close" });
  const closed = await second.next((f) => f.type === "state" && f.state.status === "closed");
  assert.equal(closed.state.survey, undefined);
});

test("the widget shows the survey when the relay asks after a silence, in the open chat; axe clean", async () => {
  await configure({ offer: "after_silence", silence_minutes: 2 });
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${owner.token}`);
  sockets.push(inbox);
  await inbox.next((f) => f.type === "snapshot");
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" })).newPage();
  page.errors = watchErrors(page);
  await page.goto(`${shop.origin}/index.html`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await inWidget(page, "button.launcher").click();
  await inWidget(page, "textarea#cw-input").fill("Do you ship to Kazan?");
  await inWidget(page, "textarea#cw-input").press("Enter");
  const updated = await inbox.next((f) => f.type === "updated" && f.conversation.last_preview.includes("Kazan"));
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${updated.conversation.id}/operator-socket?token=${owner.token}`);
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "send", client_id: `a${++counter}`, text: "Yes, in three days." });
  const survey = inWidget(page, "form.rating");
  await survey.waitFor({ timeout: 10_000 });
  assert.equal(await inWidget(page, "textarea#cw-input").isVisible(), true, "still open: he may write on");
  assert.deepEqual(await seriousViolations(page, "consultant-widget"), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
