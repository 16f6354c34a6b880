// The relay's API and sockets against bad and hostile input: every case gets a clear error and
// nothing stored is lost, doubled or corrupted. Runs the real relay under wrangler dev.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  relayFixture, startRelay, bootstrap, postJson, siteSettings, putSettings,
} from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";

const PORT = 8791;
const fixture = relayFixture();
let relay, owner, operator, visitor;

const visitorUrl = (v, conversation = v.conversation, token = v.token) =>
  `${relay.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/visitor-socket?token=${token}`;
const operatorUrl = (conversation, token = operator.token, site = "demo") =>
  `${relay.wsOrigin}/api/v1/sites/${site}/conversations/${conversation}/operator-socket?token=${token}`;
const isWelcome = (f) => f.type === "welcome";

before(async () => {
  relay = await startRelay(fixture, PORT);
  owner = await bootstrap(relay, fixture);
  operator = (await postJson(relay, "/api/v1/auth/sign-in", owner)).json;
  visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
});

after(async () => relay && (await relay.stop()));

test("bootstrap is refused without the secret and once an owner exists", async () => {
  const body = { owner_email: "x@y.io", owner_name: "X", owner_password: "long enough", site: "demo", site_name: "D" };
  assert.equal((await postJson(relay, "/api/v1/bootstrap", body)).status, 401);
  assert.equal((await postJson(relay, "/api/v1/bootstrap", body, { Authorization: "Bearer wrong" })).status, 401);
  const again = await postJson(relay, "/api/v1/bootstrap", body, { Authorization: `Bearer ${fixture.secrets.BOOTSTRAP_TOKEN}` });
  assert.equal(again.status, 409);
  assert.equal(again.json.code, "conflict");
});

test("sign-in: wrong password, unknown user, malformed and oversized bodies", async () => {
  const wrong = await postJson(relay, "/api/v1/auth/sign-in", { email: owner.email, password: "not the password" });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.code, "unauthorized");
  assert.equal((await postJson(relay, "/api/v1/auth/sign-in", { email: "nobody@x.io", password: "whatever1" })).status, 401);
  const malformed = await postJson(relay, "/api/v1/auth/sign-in", "{not json");
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.code, "malformed_frame");
  const missing = await postJson(relay, "/api/v1/auth/sign-in", { email: owner.email });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.code, "invalid_field");
  const huge = await postJson(relay, "/api/v1/auth/sign-in", { email: owner.email, password: "x".repeat(20_000) });
  assert.equal(huge.status, 413);
  assert.ok(operator.token, "the right password signs in");
  assert.deepEqual(operator.sites, [{ site: "demo", role: "owner" }]);
});

test("visitor sessions: unknown site is 404, a stored token resumes, a forged one starts afresh", async () => {
  assert.equal((await postJson(relay, "/api/v1/sites/nope/visitors", {})).status, 404);
  assert.equal((await postJson(relay, "/api/v1/sites/Bad!Site/visitors", {})).status, 404);
  const resumed = (await postJson(relay, "/api/v1/sites/demo/visitors", { token: visitor.token })).json;
  assert.equal(resumed.conversation, visitor.conversation);
  assert.equal(resumed.visitor, visitor.visitor);
  const forged = visitor.token.slice(0, -4) + "AAAA";
  const fresh = (await postJson(relay, "/api/v1/sites/demo/visitors", { token: forged })).json;
  assert.notEqual(fresh.conversation, visitor.conversation);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", "[1,2")).status, 400);
});

test("sockets refuse missing, forged and foreign credentials", async () => {
  const other = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  // A visitor naming a conversation that is not his own.
  assert.equal(await refusedWith(visitorUrl(visitor, other.conversation)), 403);
  // No token, a forged token, an operator token on the visitor endpoint.
  assert.equal(await refusedWith(visitorUrl(visitor, visitor.conversation, "")), 401);
  assert.equal(await refusedWith(visitorUrl(visitor, visitor.conversation, visitor.token + "x")), 401);
  assert.equal(await refusedWith(visitorUrl(visitor, visitor.conversation, operator.token)), 403);
  // A visitor token on the operator endpoints.
  assert.equal(await refusedWith(operatorUrl(visitor.conversation, visitor.token)), 403);
  assert.equal(await refusedWith(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${visitor.token}`), 403);
  // An operator token for another site.
  assert.equal(await refusedWith(operatorUrl(visitor.conversation, operator.token, "other-shop")), 403);
  assert.equal(await refusedWith(`${relay.wsOrigin}/api/v1/sites/other-shop/inbox-socket?token=${operator.token}`), 403);
  // A plain HTTP request to a socket endpoint.
  const plain = await fetch(visitorUrl(visitor).replace("ws", "http"));
  assert.equal(plain.status, 426);
});

test("bad frames get error frames and store nothing; good ones are stored once, in order", async () => {
  const socket = await openSocket(visitorUrl(visitor));
  const welcome = await socket.next(isWelcome);
  assert.deepEqual(welcome.messages, []);

  socket.send("{not json");
  assert.equal((await socket.next((f) => f.type === "error")).code, "malformed_frame");
  socket.send({ type: "launch_rockets" });
  assert.equal((await socket.next((f) => f.type === "error")).code, "unknown_type");
  socket.send({ type: "send", client_id: "c-big", text: "x".repeat(4001) });
  const tooLarge = await socket.next((f) => f.type === "error");
  assert.equal(tooLarge.code, "too_large");
  assert.equal(tooLarge.client_id, "c-big");
  socket.send({ type: "send", client_id: "c-huge", text: "y".repeat(30_000) });
  assert.equal((await socket.next((f) => f.type === "error")).code, "too_large");
  socket.send({ type: "send", client_id: "bad id!", text: "hi" });
  assert.equal((await socket.next((f) => f.type === "error")).code, "invalid_field");
  socket.send({ type: "send", client_id: "c-empty", text: "   " });
  assert.equal((await socket.next((f) => f.type === "error")).code, "invalid_field");
  socket.send(Buffer.from([1, 2, 3]));
  assert.equal((await socket.next((f) => f.type === "error")).code, "malformed_frame");

  for (const [id, text] of [["c1", "first"], ["c2", "second"], ["c1", "first (retry)"], ["c3", "third"]]) {
    socket.send({ type: "send", client_id: id, text });
  }
  const acks = [];
  for (let i = 0; i < 4; i++) acks.push(await socket.next((f) => f.type === "ack"));
  assert.deepEqual(acks.map((a) => [a.client_id, a.seq]), [["c1", 1], ["c2", 2], ["c1", 1], ["c3", 3]]);
  await socket.close();

  // A reconnecting client sees exactly the stored messages: no bad frame, no duplicate.
  const again = await openSocket(visitorUrl(visitor));
  const history = (await again.next(isWelcome)).messages;
  assert.deepEqual(history.map((m) => [m.seq, m.client_id, m.text]), [[1, "c1", "first"], [2, "c2", "second"], [3, "c3", "third"]]);
  await again.close();
  const after2 = await openSocket(`${visitorUrl(visitor)}&after=2`);
  assert.deepEqual((await after2.next(isWelcome)).messages.map((m) => m.seq), [3]);
  await after2.close();
});

test("an operator sees the conversation live and his reply reaches the visitor", async () => {
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${operator.token}`);
  const snapshot = await inbox.next((f) => f.type === "snapshot");
  assert.ok(snapshot.conversations.some((c) => c.id === visitor.conversation));

  const visitorSocket = await openSocket(visitorUrl(visitor));
  await visitorSocket.next(isWelcome);
  const operatorSocket = await openSocket(operatorUrl(visitor.conversation));
  assert.equal((await operatorSocket.next(isWelcome)).messages.length, 3);

  visitorSocket.send({ type: "send", client_id: "c4", text: "Is anyone there?" });
  const update = await inbox.next((f) => f.type === "updated" && f.conversation.last_preview === "Is anyone there?");
  assert.equal(update.conversation.last_author.kind, "visitor");
  assert.equal((await operatorSocket.next((f) => f.type === "message")).message.text, "Is anyone there?");

  operatorSocket.send({ type: "send", client_id: "o1", text: "Yes, Anna here." });
  const reply = await visitorSocket.next((f) => f.type === "message" && f.message.client_id === "o1");
  assert.deepEqual(reply.message.author, { kind: "operator", id: operator.operator, name: "Anna Petrova" });
  // 4 earlier messages, then "Anna took the chat" (she is the one online) and her reply.
  assert.equal(reply.message.seq, 6);
  await Promise.all([inbox.close(), visitorSocket.close(), operatorSocket.close()]);
});

test("an operator cannot open a conversation that does not exist", async () => {
  assert.equal(await refusedWith(operatorUrl("no-such-conversation")), 404);
});

test("the relay enforces the site's rules on visitor commands, whatever the widget does", async () => {
  const put = (changes) => putSettings(relay, operator.token, siteSettings(changes));
  assert.equal((await put({
    departments: [{ id: "sales", name: "Sales" }],
    contact_form: { mode: "before", name: "required", email: "optional", phone: "optional", custom: [] },
  })).status, 204);
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(visitorUrl(v));
  await socket.next(isWelcome);
  const error = () => socket.next((f) => f.type === "error");

  socket.send({ type: "send", client_id: "m1", text: "hi" });
  assert.equal((await error()).code, "department_required");
  socket.send({ type: "department", id: "nope" });
  assert.equal((await error()).code, "invalid_field");
  socket.send({ type: "department", id: "sales" });
  await socket.next((f) => f.type === "done" && f.command === "department");
  socket.send({ type: "send", client_id: "m1", text: "hi" });
  const refused = await error();
  assert.equal(refused.code, "contact_required");
  assert.equal(refused.client_id, "m1");
  socket.send({ type: "contact", contact: { name: "Ivan", email: "broken" } });
  assert.equal((await error()).code, "invalid_field");
  socket.send({ type: "contact", contact: { name: "Ivan" } });
  const state = await socket.next((f) => f.type === "state" && f.state.contact.name);
  assert.deepEqual(state.state.contact, { name: "Ivan" });
  socket.send({ type: "send", client_id: "m1", text: "hi" });
  assert.equal((await socket.next((f) => f.type === "ack")).seq, 1);

  // Rating: only after the end, only within the scale, only once.
  socket.send({ type: "rate", score: 5 });
  assert.equal((await error()).code, "forbidden");
  const op = await openSocket(operatorUrl(v.conversation));
  await op.next(isWelcome);
  op.send({ type: "contact", contact: { name: "Operator tries" } });
  assert.equal((await op.next((f) => f.type === "error")).code, "forbidden");
  socket.send({ type: "typing", typing: true });
  assert.deepEqual((await op.next((f) => f.type === "typing")).author, { kind: "visitor" });
  op.send({ type: "close" });
  await socket.next((f) => f.type === "state" && f.state.status === "closed");
  socket.send({ type: "rate", score: 9 });
  assert.equal((await error()).code, "invalid_field");
  socket.send({ type: "rate", score: 4, comment: "ok" });
  await socket.next((f) => f.type === "done" && f.command === "rate");
  socket.send({ type: "rate", score: 5 });
  assert.equal((await error()).code, "already_rated");
  await Promise.all([socket.close(), op.close()]);

  // Typing is relayed, never stored; the rating and the close are in the log once.
  const again = await openSocket(visitorUrl(v));
  const history = (await again.next(isWelcome)).messages;
  assert.deepEqual(history.map((m) => m.event?.event ?? m.text), ["hi", "closed_by_operator", "rated", "Thank you! We are glad we could help."]);
  await again.close();
  assert.equal((await put({})).status, 204);
});

test("private notes never reach the visitor; only the author edits or deletes a message", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitorSocket = await openSocket(visitorUrl(v));
  await visitorSocket.next(isWelcome);
  visitorSocket.send({ type: "send", client_id: "v1", text: "Hello" });
  await visitorSocket.next((f) => f.type === "ack");
  const op = await openSocket(operatorUrl(v.conversation));
  await op.next(isWelcome);

  visitorSocket.send({ type: "note", client_id: "n0", text: "visitor tries a note" });
  assert.equal((await visitorSocket.next((f) => f.type === "error")).code, "forbidden");
  op.send({ type: "note", client_id: "n1", text: "VIP customer, be nice" });
  const note = await op.next((f) => f.type === "message" && f.message.note);
  assert.equal(note.message.text, "VIP customer, be nice");
  op.send({ type: "send", client_id: "o1", text: "Helo, how can I help?" });
  const reply = await visitorSocket.next((f) => f.type === "message" && f.message.client_id === "o1");

  op.send({ type: "edit", seq: reply.message.seq, text: "Hello, how can I help?" });
  const edited = await visitorSocket.next((f) => f.type === "changed");
  assert.equal(edited.message.text, "Hello, how can I help?");
  assert.ok(edited.message.edited_at);
  visitorSocket.send({ type: "delete", seq: reply.message.seq });
  assert.equal((await visitorSocket.next((f) => f.type === "error")).code, "forbidden");
  op.send({ type: "delete", seq: 1 });
  assert.equal((await op.next((f) => f.type === "error")).code, "forbidden", "not his message");
  op.send({ type: "delete", seq: 999 });
  assert.equal((await op.next((f) => f.type === "error")).code, "not_found");
  op.send({ type: "delete", seq: note.message.seq });
  await op.next((f) => f.type === "changed" && f.message.deleted);

  await new Promise((r) => setTimeout(r, 200));
  assert.ok(!visitorSocket.frames.some((f) => JSON.stringify(f).includes("VIP")), "the note never reached the visitor");
  await Promise.all([visitorSocket.close(), op.close()]);
  const again = await openSocket(visitorUrl(v));
  const history = (await again.next(isWelcome)).messages;
  assert.ok(history.every((m) => !m.note), "nor is it in the visitor's history");
  assert.deepEqual(history.filter((m) => !m.event).map((m) => m.text), ["Hello", "Hello, how can I help?"]);
  // Answering an unassigned chat took it.
  assert.equal(history.find((m) => m.event?.event === "assigned").event.name, "Anna Petrova");
  await again.close();
});

test("spam: the visitor is told the operator ended the chat and can neither write nor rate", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitorSocket = await openSocket(visitorUrl(v));
  await visitorSocket.next(isWelcome);
  visitorSocket.send({ type: "send", client_id: "s1", text: "BUY CHEAP WATCHES" });
  await visitorSocket.next((f) => f.type === "ack");
  const op = await openSocket(operatorUrl(v.conversation));
  await op.next(isWelcome);
  visitorSocket.send({ type: "spam" });
  assert.equal((await visitorSocket.next((f) => f.type === "error")).code, "forbidden");
  op.send({ type: "spam" });
  const ended = await visitorSocket.next((f) => f.type === "message" && f.message.event);
  assert.deepEqual(ended.message.event, { event: "ended_as_spam" });
  await visitorSocket.next((f) => f.type === "state" && f.state.spam && f.state.status === "closed");
  visitorSocket.send({ type: "send", client_id: "s2", text: "again" });
  const refused = await visitorSocket.next((f) => f.type === "error");
  assert.equal(refused.code, "forbidden");
  assert.equal(refused.client_id, "s2");
  visitorSocket.send({ type: "rate", score: 1 });
  assert.equal((await visitorSocket.next((f) => f.type === "error")).code, "forbidden");
  await Promise.all([visitorSocket.close(), op.close()]);
});

test("contact masking: operators see e-mail and phone masked when the site says so; the owner never", async () => {
  const headers = { Authorization: `Bearer ${operator.token}` };
  const added = await postJson(relay, "/api/v1/sites/demo/operators",
    { name: "Masha", email: "masha@shop.test", password: "Masha-password-1", role: "operator" }, headers);
  assert.equal(added.status, 201);
  const masha = (await postJson(relay, "/api/v1/auth/sign-in", { email: "masha@shop.test", password: "Masha-password-1" })).json;
  assert.equal((await putSettings(relay, operator.token, siteSettings({ masking: { operators: true, admins: false } }))).status, 204);

  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitorSocket = await openSocket(visitorUrl(v));
  await visitorSocket.next(isWelcome);
  visitorSocket.send({ type: "contact", contact: { name: "Ivan", email: "ivan@mail.ru", phone: "+7 912 345-67-89" } });
  visitorSocket.send({ type: "send", client_id: "m1", text: "Call me" });
  visitorSocket.send({ type: "callback", phone: "+7 900 000-00-12" });
  await visitorSocket.next((f) => f.type === "done" && f.command === "callback");
  const own = await visitorSocket.next((f) => f.type === "state" && f.state.callback);
  assert.equal(own.state.contact.email, "ivan@mail.ru", "the visitor sees his own data");

  const mashaSocket = await openSocket(operatorUrl(v.conversation, masha.token));
  const seen = await mashaSocket.next(isWelcome);
  assert.deepEqual(seen.state.contact, { name: "Ivan", email: "i***@mail.ru", phone: "*** **89" });
  assert.equal(seen.state.callback, "*** **12");
  assert.equal(seen.messages.find((m) => m.event?.event === "callback_requested").event.phone, "*** **12");
  const ownerSocket = await openSocket(operatorUrl(v.conversation));
  assert.equal((await ownerSocket.next(isWelcome)).state.contact.email, "ivan@mail.ru");

  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${masha.token}`);
  const snapshot = await inbox.next((f) => f.type === "snapshot");
  const summary = snapshot.conversations.find((c) => c.id === v.conversation);
  assert.equal(summary.state.contact.email, "i***@mail.ru");
  visitorSocket.send({ type: "send", client_id: "m2", text: "Still there?" });
  const update = await inbox.next((f) => f.type === "updated" && f.conversation.id === v.conversation && f.conversation.last_preview === "Still there?");
  assert.equal(update.conversation.state.contact.phone, "*** **89");
  await Promise.all([visitorSocket.close(), mashaSocket.close(), ownerSocket.close(), inbox.close()]);
  assert.equal((await putSettings(relay, operator.token, siteSettings({}))).status, 204);
});

test("ban: the visitor and his IP get no chat until an admin lifts it; operators cannot lift it", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitorSocket = await openSocket(visitorUrl(v));
  await visitorSocket.next(isWelcome);
  visitorSocket.send({ type: "send", client_id: "b1", text: "spam spam spam" });
  await visitorSocket.next((f) => f.type === "ack");
  const closed = new Promise((resolve) => visitorSocket.ws.once("close", (code) => resolve(code)));
  const op = await openSocket(operatorUrl(v.conversation));
  await op.next(isWelcome);
  op.send({ type: "ban" });
  await op.next((f) => f.type === "done" && f.command === "ban");
  assert.equal(await closed, 1008);

  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", { token: v.token })).status, 403);
  assert.equal(await refusedWith(visitorUrl(v)), 403);
  // The same IP address (here every test client is 127.0.0.1) is refused too.
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status, 403);

  const bans = await (await fetch(`${relay.origin}/api/v1/sites/demo/bans`, { headers: { Authorization: `Bearer ${operator.token}` } })).json();
  assert.equal(bans.length, 1);
  assert.equal(bans[0].visitor, v.visitor);
  assert.equal(bans[0].by, "Anna Petrova");
  const masha = (await postJson(relay, "/api/v1/auth/sign-in", { email: "masha@shop.test", password: "Masha-password-1" })).json;
  const lift = (token) => fetch(`${relay.origin}/api/v1/sites/demo/bans/${bans[0].id}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
  assert.equal((await lift(masha.token)).status, 403);
  assert.equal((await lift(operator.token)).status, 204);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", { token: v.token })).status, 200);
  await op.close();
});
