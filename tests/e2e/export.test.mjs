// A site's data out of one relay and into another: settings, conversations with every
// message, note, edit, contact data and rating; the second export equals the first.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const relays = [];
const sockets = [];
after(async () => {
  sockets.forEach((s) => s.ws.close());
  await Promise.all(relays.map((r) => r.stop()));
});
let n = 0;
const id = () => `x${Date.now().toString(36)}${(n++).toString(36)}`;

async function relayWithOwner(port) {
  const fixture = relayFixture();
  const relay = await startRelay(fixture, port);
  relays.push(relay);
  const owner = await signIn(relay, await bootstrap(relay, fixture));
  return { relay, owner };
}

const api = (relay, session, method, path, body) =>
  fetch(`${relay.origin}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

/** Every page of the export, `limit` conversations a page. */
async function exportAll(relay, session, limit = 200) {
  let after = "";
  let document;
  const conversations = [];
  do {
    const response = await api(relay, session, "GET", `/sites/demo/export?limit=${limit}&after=${encodeURIComponent(after)}`);
    assert.equal(response.status, 200);
    document = await response.json();
    conversations.push(...document.conversations);
    after = document.next_after;
  } while (after != null);
  conversations.sort((a, b) => a.id.localeCompare(b.id));
  return { ...document, conversations, next_after: null };
}

test("export, import into a fresh relay, export again: the same data", async () => {
  const a = await relayWithOwner(8825);
  const settings = siteSettings({
    departments: [{ id: "sales", name: "Sales" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: false, operators: [], regions: [] },
  });
  assert.equal((await putSettings(a.relay, a.owner.token, settings)).status, 204);
  const ws = (path, token) => `${a.relay.wsOrigin}/api/v1/sites/demo${path}?token=${token}`;

  // A finished chat: contact data, a reply, a private note, an edit, a rating.
  const v1 = (await postJson(a.relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(ws(`/conversations/${v1.conversation}/visitor-socket`, v1.token));
  sockets.push(visitor);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "department", id: "sales" });
  await visitor.next((f) => f.type === "done" && f.command === "department");
  visitor.send({ type: "contact", contact: { name: "Ivan", email: "ivan@mail.ru" } });
  await visitor.next((f) => f.type === "done" && f.command === "contact");
  visitor.send({ type: "send", client_id: id(), text: "Is the blue teapot in stock?" });
  await visitor.next((f) => f.type === "ack");
  const op = await openSocket(ws(`/conversations/${v1.conversation}/operator-socket`, a.owner.token));
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "send", client_id: id(), text: "Yes, two left" });
  const reply = await op.next((f) => f.type === "ack");
  op.send({ type: "edit", seq: reply.seq, text: "Yes, three left" });
  await op.next((f) => f.type === "changed" && f.message.edited_at);
  op.send({ type: "note", client_id: id(), text: "Regular customer" });
  await op.next((f) => f.type === "ack");
  op.send({ type: "close" });
  await visitor.next((f) => f.type === "state" && f.state.status === "closed");
  visitor.send({ type: "rate", score: 5 });
  await visitor.next((f) => f.type === "done" && f.command === "rate");
  // An open chat.
  const v2 = (await postJson(a.relay, "/api/v1/sites/demo/visitors", {})).json;
  const second = await openSocket(ws(`/conversations/${v2.conversation}/visitor-socket`, v2.token));
  sockets.push(second);
  await second.next((f) => f.type === "welcome");
  second.send({ type: "department", id: "sales" });
  await second.next((f) => f.type === "done" && f.command === "department");
  second.send({ type: "send", client_id: id(), text: "Hello?" });
  await second.next((f) => f.type === "ack");

  const first = await exportAll(a.relay, a.owner);
  const strip = (doc) => ({ ...doc, exported_at: 0 });
  assert.deepEqual(strip(await exportAll(a.relay, a.owner, 1)), strip(first), "page by page, the same");
  assert.equal(first.format, 1);
  assert.equal(first.conversations.length, 2);
  const finished = first.conversations.find((c) => c.id === v1.conversation);
  assert.equal(finished.state.contact.email, "ivan@mail.ru");
  assert.equal(finished.state.rating.score, 5);
  assert.ok(finished.messages.some((m) => m.note && m.text === "Regular customer"), "notes are exported");
  assert.ok(finished.messages.some((m) => m.text === "Yes, three left" && m.edited_at), "edits are kept");

  // Into another relay's site, then out again.
  const b = await relayWithOwner(8826);
  // The settings come along only when asked; by default the target keeps its own.
  const imported = await api(b.relay, b.owner, "POST", "/sites/demo/import?settings=replace", first);
  assert.equal(imported.status, 200, await imported.clone().text());
  assert.deepEqual(await imported.json(), { imported: 2, skipped: 0, settings_replaced: true });
  const second_ = await exportAll(b.relay, b.owner);
  assert.deepEqual(strip(second_), strip(first));

  // The history of the new relay finds them; importing again changes nothing.
  const history = await (await api(b.relay, b.owner, "GET", "/sites/demo/history?text=teapot")).json();
  assert.deepEqual(history.conversations.map((c) => c.id), [v1.conversation]);
  const again = await api(b.relay, b.owner, "POST", "/sites/demo/import", first);
  assert.deepEqual(await again.json(), { imported: 0, skipped: 2, settings_replaced: false });

  // A document that is not an export is refused whole, naming why.
  const bad = await api(b.relay, b.owner, "POST", "/sites/demo/import", { ...first, format: 7 });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /export format 7 is not 1/);
});
