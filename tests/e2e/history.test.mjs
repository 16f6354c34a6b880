// History: every conversation kept and searchable by text (messages, notes, contact data),
// filterable by operator, dates, rating and department; operators find only what they may
// open, masked contacts are not searchable; the console shows a found chat's transcript with
// its system events.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, seriousViolations, consoleAs } from "../support/browser.mjs";

const fixture = relayFixture();
let relay, owner, ownerSession, oleg, vera, browser;
const sockets = [];
const chats = {};

const member = (name) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role: "operator" });
const ws = (path, token) => `${relay.wsOrigin}/api/v1/sites/demo${path}?token=${token}`;
let counter = 0;
const id = () => `h${++counter}`;

async function history(session, query = "") {
  const response = await fetch(`${relay.origin}/api/v1/sites/demo/history?${query}`, {
    headers: session ? { Authorization: `Bearer ${session.token}` } : {},
  });
  return { status: response.status, json: await response.json() };
}
const found = async (session, query) => {
  const answer = await history(session, query);
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  return answer.json.conversations.map((c) => Object.keys(chats).find((k) => chats[k] === c.id)).sort();
};

/** A visitor of `department` writes `text`; `as` (an operator session) answers and takes it. */
async function chat(name, { department, text, contact, operator, reply }) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(ws(`/conversations/${v.conversation}/visitor-socket`, v.token));
  sockets.push(visitor);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "department", id: department });
  await visitor.next((f) => f.type === "done" && f.command === "department");
  if (contact) {
    visitor.send({ type: "contact", contact });
    await visitor.next((f) => f.type === "done" && f.command === "contact");
  }
  visitor.send({ type: "send", client_id: id(), text });
  await visitor.next((f) => f.type === "ack");
  const op = await openSocket(ws(`/conversations/${v.conversation}/operator-socket`, operator.token));
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "send", client_id: id(), text: reply });
  await op.next((f) => f.type === "ack");
  chats[name] = v.conversation;
  return { visitor, op };
}

before(async () => {
  relay = await startRelay(fixture, 8803);
  owner = await bootstrap(relay, fixture);
  ownerSession = await signIn(relay, owner);
  for (const who of [member("Oleg"), member("Vera")]) {
    const added = await postJson(relay, "/api/v1/sites/demo/operators", who, { Authorization: `Bearer ${ownerSession.token}` });
    assert.equal(added.status, 201, added.text);
  }
  oleg = await signIn(relay, member("Oleg"));
  vera = await signIn(relay, member("Vera"));
  const settings = siteSettings({
    departments: [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: false, operators: [], regions: [] },
  });
  assert.equal((await putSettings(relay, ownerSession.token, settings)).status, 204);

  // A: sales, Oleg, closed and rated 5 of 5.
  const a = await chat("A", { department: "sales", text: "Do you ship teapots to Kazan?", operator: oleg, reply: "Yes, in three days." });
  a.op.send({ type: "close" });
  await a.visitor.next((f) => f.type === "state" && f.state.status === "closed");
  a.visitor.send({ type: "rate", score: 5 });
  await a.visitor.next((f) => f.type === "done" && f.command === "rate");
  // B: support, Oleg first, then transferred to Vera; rated 1 of 5. Contact data given.
  const b = await chat("B", {
    department: "support", text: "I need a refund for a broken cup", operator: oleg, reply: "Sorry to hear that.",
    contact: { name: "Ivan", email: "ivan@mail.ru" },
  });
  b.op.send({ type: "transfer", to: { kind: "operator", id: vera.operator }, note: "refunds are Vera's" });
  await b.visitor.next((f) => f.type === "state" && f.state.assignee?.name === "Vera");
  b.visitor.send({ type: "close" });
  await b.visitor.next((f) => f.type === "state" && f.state.status === "closed");
  b.visitor.send({ type: "rate", score: 1, comment: "The cup came <b>broken</b> twice" });
  await b.visitor.next((f) => f.type === "done" && f.command === "rate");
  // C: sales, Oleg, a private note, not rated.
  const c = await chat("C", { department: "sales", text: "What about gift wrapping?", operator: oleg, reply: "Free of charge." });
  c.op.send({ type: "note", client_id: id(), text: "VIP customer, handle with care" });
  await c.op.next((f) => f.type === "ack");
  browser = await launchBrowser();
});

after(async () => {
  for (const socket of sockets) await socket.close();
  await browser?.close();
  await relay?.stop();
});

test("text search finds every word in messages, notes and contacts, case-insensitively", async () => {
  assert.deepEqual(await found(ownerSession, "text=kazan"), ["A"]);
  assert.deepEqual(await found(ownerSession, `text=${encodeURIComponent("TEAPOTS  kazan")}`), ["A"]);
  assert.deepEqual(await found(ownerSession, `text=${encodeURIComponent("teapots omsk")}`), []);
  assert.deepEqual(await found(ownerSession, "text=vip"), ["C"], "notes are searchable by the team");
  assert.deepEqual(await found(ownerSession, `text=${encodeURIComponent("ivan@mail.ru")}`), ["B"]);
  assert.deepEqual(await found(ownerSession, `text=${encodeURIComponent("100%")}`), [], "LIKE characters are literal");
  assert.deepEqual(await found(ownerSession, ""), ["A", "B", "C"]);
});

test("filters: operator who took part, rating, department, dates", async () => {
  assert.deepEqual(await found(ownerSession, `operator=${vera.operator}`), ["B"]);
  assert.deepEqual(await found(ownerSession, `operator=${oleg.operator}`), ["A", "B", "C"], "Oleg took part in B before the transfer");
  assert.deepEqual(await found(ownerSession, "rating=good"), ["A"]);
  assert.deepEqual(await found(ownerSession, "rating=poor"), ["B"]);
  assert.deepEqual(await found(ownerSession, "rating=unrated"), ["C"]);
  assert.deepEqual(await found(ownerSession, "department=sales"), ["A", "C"]);
  assert.deepEqual(await found(ownerSession, "department=sales&rating=good&text=kazan"), ["A"]);
  const now = Date.now();
  assert.deepEqual(await found(ownerSession, `from=${now - 3600_000}&to=${now + 60_000}`), ["A", "B", "C"]);
  assert.deepEqual(await found(ownerSession, `from=${now + 60_000}`), []);
  assert.deepEqual(await found(ownerSession, `to=${now - 3600_000}`), []);
});

test("operators find only chats they may open; masked contacts are not searchable; bad queries are refused", async () => {
  assert.deepEqual(await found(oleg, ""), ["A", "C"], "B went to Vera");
  assert.deepEqual(await found(vera, ""), ["B"]);
  assert.deepEqual(await found(vera, "text=ivan"), ["B"]);
  const masked = siteSettings({
    departments: [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: false, operators: [], regions: [] },
    masking: { operators: true, admins: false },
  });
  assert.equal((await putSettings(relay, ownerSession.token, masked)).status, 204);
  assert.deepEqual(await found(vera, "text=ivan@mail.ru"), [], "a masked e-mail finds nothing");
  const [b] = (await history(vera, "")).json.conversations;
  assert.equal(b.state.contact.email, "i***@mail.ru");
  assert.deepEqual(await found(ownerSession, "text=ivan@mail.ru"), ["B"]);

  for (const [query, field] of [["rating=5", "rating"], ["from=monday", "from"], ["sort=asc", "sort"]]) {
    const answer = await history(ownerSession, query);
    assert.equal(answer.status, 400);
    assert.match(answer.json.message, new RegExp(`^${field}:`));
  }
  assert.equal((await history(null, "")).status, 401);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  assert.equal((await history(visitor, "")).status, 403);
});

test("the console's history screen: search, filter, open a transcript with its system events", async () => {
  const page = await consoleAs(browser, relay, owner, { width: 1280, height: 800 });
  await page.getByRole("link", { name: "History" }).click();
  const results = page.locator("nav.history li button.conv");
  await results.nth(2).waitFor();

  await page.getByLabel("Words in the chat or contacts").fill("kazan");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.locator("nav.history [role=status]", { hasText: "Found: 1" }).waitFor();
  await results.first().click();
  const log = page.locator("ol.log");
  await log.locator("li", { hasText: "Do you ship teapots to Kazan?" }).waitFor();
  await log.locator("li.system", { hasText: /Oleg.*(closed|ended)/i }).waitFor();
  await log.locator("li.system", { hasText: /rated/i }).waitFor();

  await page.getByLabel("Words in the chat or contacts").fill("");
  await page.getByLabel("Rating").selectOption("poor");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await results.filter({ hasText: "Ivan" }).waitFor();
  assert.equal(await results.count(), 1);
  // The visitor's comment is shown with the rating, as text.
  assert.equal((await results.first().locator(".rating-comment").textContent()).trim(), "Visitor's comment: «The cup came <b>broken</b> twice»");
  await results.first().click();
  await log.locator("li.system", { hasText: /transferred/i }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("ratings hidden from operators: not shown, not findable by filter, not in the chat's log; admins may set it", async () => {
  const hidden = siteSettings({
    departments: [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: false, operators: [], regions: [] },
    masking: { operators: false, admins: false, ratings: true },
  });
  assert.equal((await putSettings(relay, ownerSession.token, hidden)).status, 204);
  const [b] = (await history(vera, "")).json.conversations;
  assert.equal(b.state.rating ?? null, null, "Vera does not see B's rating");
  assert.deepEqual(await found(vera, "rating=poor"), [], "nor can she find it by filtering");
  assert.deepEqual(await found(vera, "rating=unrated"), ["B"]);
  assert.deepEqual(await found(ownerSession, "rating=poor"), ["B"], "the owner sees it");

  const socket = await openSocket(ws(`/conversations/${chats.B}/operator-socket`, vera.token));
  sockets.push(socket);
  const welcome = await socket.next((f) => f.type === "welcome");
  assert.equal(welcome.state.rating ?? null, null);
  const rated = welcome.messages.filter((m) => m.event?.event === "rated");
  assert.equal(rated.length, 1);
  assert.deepEqual([rated[0].event.score, rated[0].event.scale], [0, "off"], "rated, without the score");
  assert.equal(JSON.stringify(welcome).includes("twice"), false, "nor the comment");

  // An admin turns it off again (unlike contact masking, which only the owner changes).
  const admin = member("Alla");
  admin.role = "admin";
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", admin, { Authorization: `Bearer ${ownerSession.token}` })).status, 201);
  const alla = await signIn(relay, admin);
  assert.equal((await putSettings(relay, alla.token, { ...hidden, masking: { operators: false, admins: false, ratings: false } })).status, 204);
  assert.equal((await history(vera, "")).json.conversations[0].state.rating.score, 1);
  assert.equal((await putSettings(relay, alla.token, { ...hidden, masking: { operators: true, admins: false, ratings: false } })).status, 403, "contacts stay the owner's");
});
