// Who gets a chat: routing over online operators with limits, departments and regions; the
// unassigned / mine / all visibility; taking, transferring (with a private note) and inviting.
// Runs the real relay under wrangler dev and talks to it over its sockets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";

const fixture = relayFixture();
let relay, owner, boris, vera;
const consoles = [];

const member = (name, role = "operator") => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role });
const inboxUrl = (session) => `${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${session.token}`;
const operatorUrl = (session, conversation) =>
  `${relay.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/operator-socket?token=${session.token}`;
const visitorUrl = (v) => `${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`;

/** Opens a console (an inbox socket): the operator is online from then on. */
async function online(session) {
  const inbox = await openSocket(inboxUrl(session));
  await inbox.next((f) => f.type === "snapshot");
  consoles.push(inbox);
  return inbox;
}

/** A new visitor (from `geo`, "CC/City") who writes one message; resolves with his socket and state. */
async function visitorWrites(text, department, geo) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(visitorUrl(v), geo ? { "X-Dev-Geo": geo } : {});
  await socket.next((f) => f.type === "welcome");
  socket.send({ type: "department", id: department });
  await socket.next((f) => f.type === "done" && f.command === "department");
  const chosen = await socket.next((f) => f.type === "state");
  socket.send({ type: "send", client_id: `m-${Date.now()}-${Math.random().toString(36).slice(2)}`, text });
  await socket.next((f) => f.type === "ack");
  // The relay sends a state only when it changes: when routing assigns the chat. A chat left
  // waiting keeps the state it had (the inbox checks below confirm it stays unassigned).
  const assigned = await socket.next((f) => f.type === "state", 2000).catch(() => chosen);
  return { ...v, socket, state: assigned.state };
}

before(async () => {
  relay = await startRelay(fixture, 8800);
  owner = await signIn(relay, await bootstrap(relay, fixture));
  for (const who of [member("Boris"), member("Vera")]) {
    const added = await postJson(relay, "/api/v1/sites/demo/operators", who, { Authorization: `Bearer ${owner.token}` });
    assert.equal(added.status, 201, added.text);
  }
  boris = await signIn(relay, member("Boris"));
  vera = await signIn(relay, member("Vera"));
  const settings = siteSettings({
    departments: [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: true, max_chats: 1, operators: [{ id: vera.operator, departments: ["support"], max_chats: 1 }], regions: [] },
  });
  const saved = await putSettings(relay, owner.token, settings);
  assert.equal(saved.status, 204, JSON.stringify(saved.json));
});

after(async () => {
  for (const socket of consoles) await socket.close();
  if (relay) await relay.stop();
});

let borisChat, veraChat, waiting;

test("new chats go to the least loaded online operator of the department; over the limit they wait unassigned", async () => {
  const borisInbox = await online(boris);
  const veraInbox = await online(vera);
  // Support: both serve it.
  const first = await visitorWrites("Do you ship to Kazan?", "support");
  const second = await visitorWrites("And to Omsk?", "support");
  const names = [first, second].map((v) => v.state.assignee?.name).sort();
  assert.deepEqual(names, ["Boris", "Vera"], "two chats spread over the two online operators");
  [borisChat, veraChat] = first.state.assignee.name === "Boris" ? [first, second] : [second, first];

  // Sales: only Boris serves it (Vera serves support only), and he is at his limit of one
  // chat: the third waits in "unassigned".
  waiting = await visitorWrites("Anyone there?", "sales");
  assert.equal(waiting.state.assignee, undefined);
  const seen = await borisInbox.next((f) => f.type === "updated" && f.conversation.id === waiting.conversation);
  assert.equal(seen.conversation.state.assignee, undefined);
  // Operators' inboxes list only unassigned chats and their own.
  assert.ok(!borisInbox.frames.some((f) => f.type === "updated" && f.conversation.id === veraChat.conversation));
  assert.ok(!veraInbox.frames.some((f) => f.type === "updated" && f.conversation.id === borisChat.conversation));
});

test("the visitor sees who took the chat", async () => {
  const joined = await borisChat.socket.next((f) => f.type === "message" && f.message.event?.event === "assigned");
  assert.equal(joined.message.event.name, "Boris");
});

test("an operator cannot open a colleague's chat; he takes an unassigned one for himself only", async () => {
  assert.equal(await refusedWith(operatorUrl(boris, veraChat.conversation)), 403);
  const socket = await openSocket(operatorUrl(boris, waiting.conversation));
  await socket.next((f) => f.type === "welcome");
  socket.send({ type: "assign", operator: vera.operator });
  assert.equal((await socket.next((f) => f.type === "error")).code, "forbidden");
  socket.send({ type: "assign", operator: boris.operator });
  await socket.next((f) => f.type === "done" && f.command === "assign");
  const state = await waiting.socket.next((f) => f.type === "state" && f.state.assignee);
  assert.equal(state.state.assignee.name, "Boris", "taken by hand even over his limit");
  await socket.close();
});

test("admins open every chat", async () => {
  const ownerSocket = await openSocket(operatorUrl(owner, veraChat.conversation));
  const welcome = await ownerSocket.next((f) => f.type === "welcome");
  assert.equal(welcome.state.assignee.name, "Vera");
  await ownerSocket.close();
});

test("transfer with a note: the new operator gets the chat and the note, the visitor never sees the note, the old one loses access", async () => {
  const borisSocket = await openSocket(operatorUrl(boris, borisChat.conversation));
  await borisSocket.next((f) => f.type === "welcome");
  const veraInbox = consoles[1];
  const borisInbox = consoles[0];
  borisSocket.send({ type: "transfer", to: { kind: "operator", id: vera.operator }, note: "Wants delivery to Kazan, VIP" });
  const moved = await veraInbox.next((f) => f.type === "updated" && f.conversation.id === borisChat.conversation && f.conversation.state.assignee?.name === "Vera");
  assert.ok(moved);
  await borisInbox.next((f) => f.type === "gone" && f.id === borisChat.conversation);
  assert.equal(await borisSocket.closed(), 1008, "the previous operator's socket is closed");
  assert.equal(await refusedWith(operatorUrl(boris, borisChat.conversation)), 403);

  const veraSocket = await openSocket(operatorUrl(vera, borisChat.conversation));
  const welcome = await veraSocket.next((f) => f.type === "welcome");
  const note = welcome.messages.find((m) => m.note);
  assert.equal(note.text, "Wants delivery to Kazan, VIP");
  assert.ok(welcome.messages.some((m) => m.event?.event === "transferred" && m.event.from === "Boris" && m.event.to === "Vera"));
  await veraSocket.close();

  const transferred = await borisChat.socket.next((f) => f.type === "message" && f.message.event?.event === "transferred");
  assert.equal(transferred.message.event.to, "Vera");
  assert.ok(!borisChat.socket.frames.some((f) => f.type === "message" && f.message.note), "no note reaches the visitor");
  const again = await openSocket(visitorUrl(borisChat));
  const visitorWelcome = await again.next((f) => f.type === "welcome");
  assert.ok(!visitorWelcome.messages.some((m) => m.note || m.text.includes("VIP")));
  await again.close();
});

test("inviting a colleague lets him into the chat; only people in the chat or admins invite", async () => {
  // Boris is no longer in Vera's chats: he may not invite anyone there.
  const ownerSocket = await openSocket(operatorUrl(owner, veraChat.conversation));
  await ownerSocket.next((f) => f.type === "welcome");
  const veraSocket = await openSocket(operatorUrl(vera, veraChat.conversation));
  await veraSocket.next((f) => f.type === "welcome");
  veraSocket.send({ type: "invite", operator: boris.operator, note: "Can you check the Omsk tariff?" });
  await veraSocket.next((f) => f.type === "done" && f.command === "invite");
  const state = await veraChat.socket.next((f) => f.type === "state" && f.state.invited?.length);
  assert.deepEqual(state.state.invited.map((i) => i.name), ["Boris"]);
  const borisSocket = await openSocket(operatorUrl(boris, veraChat.conversation));
  const welcome = await borisSocket.next((f) => f.type === "welcome");
  assert.ok(welcome.messages.some((m) => m.note && m.text.includes("Omsk tariff")));
  // Invited, not assigned: he cannot transfer the chat away.
  borisSocket.send({ type: "transfer", to: { kind: "operator", id: owner.operator } });
  assert.equal((await borisSocket.next((f) => f.type === "error")).code, "forbidden");
  // Unknown colleague and department are clear errors.
  ownerSocket.send({ type: "invite", operator: "nobody-here" });
  assert.equal((await ownerSocket.next((f) => f.type === "error")).code, "not_found");
  ownerSocket.send({ type: "transfer", to: { kind: "department", id: "nope" } });
  assert.equal((await ownerSocket.next((f) => f.type === "error")).code, "not_found");
  for (const s of [ownerSocket, veraSocket, borisSocket]) await s.close();
});

test("transfer to a department goes to an operator who serves it", async () => {
  // Boris serves every department, Vera only support; Boris hands his sales chat to support.
  const settings = siteSettings({
    departments: [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: true, max_chats: 5, operators: [{ id: vera.operator, departments: ["support"] }], regions: [] },
  });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
  const borisSocket = await openSocket(operatorUrl(boris, waiting.conversation));
  await borisSocket.next((f) => f.type === "welcome");
  borisSocket.send({ type: "transfer", to: { kind: "department", id: "support" } });
  // Handing the chat on ends his access: the relay closes his socket.
  assert.equal(await borisSocket.closed(), 1008);
  const state = await waiting.socket.next((f) => f.type === "state" && f.state.department === "support" && f.state.assignee);
  assert.equal(state.state.assignee.name, "Vera");
  const events = [];
  for (;;) {
    const m = await waiting.socket.next((f) => f.type === "message" && f.message.event, 2000).catch(() => null);
    if (!m) break;
    events.push(m.message.event.event);
  }
  assert.ok(events.includes("transferred_to_department") && events.includes("assigned"), events.join());
});

test("region rules send visitors from a country or city to their operators", async () => {
  const settings = siteSettings({
    departments: [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }],
    contact_form: { mode: "never" },
    routing: { auto_assign: true, max_chats: 10, operators: [], regions: [{ countries: ["DE"], cities: [], operators: [vera.operator] }] },
  });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
  // New visitors each: every one is routed by the rules just saved.
  for (let i = 0; i < 3; i++) {
    const german = await visitorWrites("Guten Tag", "sales", "DE/Berlin");
    assert.equal(german.state.assignee?.name, "Vera");
  }
});

test("a settings change reaches a chat already under way at once, not on a timer", async () => {
  const departments = [{ id: "sales", name: "Sales" }, { id: "support", name: "Support" }];
  const base = { contact_form: { mode: "never" }, routing: { auto_assign: false, max_chats: 10, operators: [], regions: [] } };
  assert.equal((await putSettings(relay, owner.token, siteSettings({ ...base, departments }))).status, 204);
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(visitorUrl(v));
  await socket.next((f) => f.type === "welcome");
  const pick = async (id) => {
    socket.send({ type: "department", id });
    return socket.next((f) => (f.type === "done" && f.command === "department") || f.type === "error");
  };
  // The conversation reads the settings now (and used to keep them for seconds).
  assert.equal((await pick("sales")).type, "done");
  assert.equal((await pick("billing")).type, "error", "no such department yet");
  const withBilling = [...departments, { id: "billing", name: "Billing" }];
  assert.equal((await putSettings(relay, owner.token, siteSettings({ ...base, departments: withBilling }))).status, 204);
  assert.equal((await pick("billing")).type, "done", "the new department is there at once");
  assert.equal((await putSettings(relay, owner.token, siteSettings({ ...base, departments }))).status, 204);
  const removed = await pick("billing");
  assert.equal(removed.type, "error", "a removed department is gone at once");
  assert.match(removed.message, /no such department/);
  await socket.close();
});

test("routing settings are validated", async () => {
  const bad = siteSettings({ routing: { operators: [{ id: vera.operator, departments: ["nope"] }] } });
  const answer = await putSettings(relay, owner.token, bad);
  assert.equal(answer.status, 400);
  assert.match(answer.json.message, /routing\.operators\.departments/);
});
