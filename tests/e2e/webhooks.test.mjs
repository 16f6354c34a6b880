// Webhooks: admins register endpoints; a local HTTP server (127.0.0.1) receives chat.started,
// chat.accepted, chat.finished (with the transcript), chat.rated and offline.message, each
// once, signed with the endpoint's secret; a failing endpoint is retried with backoff and the
// delivery log shows it all.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const PORT = 8813;
const RECEIVER = 8814;
const fixture = relayFixture();
let relay, receiver, owner, oleg;
/** Every request the receiver got: { path, headers, raw, body }. */
const received = [];
/** Paths that answer 500 to their first request (then 200). */
const failOnce = new Set(["/flaky"]);

const member = (name) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role: "operator" });
const auth = (session) => ({ Authorization: `Bearer ${session.token}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(method, path, session, body) {
  const response = await fetch(`${relay.origin}${path}`, {
    method,
    headers: { ...auth(session), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

async function delivery(match, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = received.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such delivery; got ${JSON.stringify(received.map((r) => [r.path, r.body.event]))}`);
    await sleep(50);
  }
}

function verifySignature(request, secret) {
  const [t, v1] = request.headers["x-consultant-signature"].split(",").map((part) => part.split("=")[1]);
  const expected = createHmac("sha256", secret).update(`${t}.${request.raw}`).digest("hex");
  assert.equal(v1, expected, "signed with the endpoint's secret over timestamp.body");
  assert.ok(Math.abs(Date.now() - Number(t)) < 60_000, "a fresh timestamp");
}

before(async () => {
  receiver = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      received.push({ path: req.url, headers: req.headers, raw, body: JSON.parse(raw) });
      const fail = failOnce.delete(req.url);
      res.writeHead(fail ? 500 : 200).end();
    });
  });
  await new Promise((r) => receiver.listen(RECEIVER, "127.0.0.1", r));
  relay = await startRelay(fixture, PORT, { WEBHOOK_RETRY_UNIT_MS: "300" });
  owner = await signIn(relay, await bootstrap(relay, fixture));
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", member("Oleg"), auth(owner))).status, 201);
  oleg = await signIn(relay, member("Oleg"));
  const settings = siteSettings({ contact_form: { mode: "never" }, departments: [], routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
});

after(async () => {
  await relay?.stop();
  receiver?.close();
});

let main, flaky;

test("admins register endpoints: validated, each with its own secret; operators may not", async () => {
  const hooks = "/api/v1/sites/demo/webhooks";
  assert.equal((await api("GET", hooks, oleg)).status, 403);
  assert.equal((await api("POST", hooks, oleg, { url: `http://127.0.0.1:${RECEIVER}/hook`, events: ["chat.started"] })).status, 403);
  const noEvents = await api("POST", hooks, owner, { url: "https://crm.example/hook", events: [] });
  assert.equal(noEvents.status, 400);
  assert.equal(noEvents.json.message, "events: choose at least one");
  const plain = await api("POST", hooks, owner, { url: "http://crm.example/hook", events: ["chat.rated"] });
  assert.equal(plain.status, 400);
  assert.equal(plain.json.message, "url: must be an https:// address");
  assert.equal((await api("POST", hooks, owner, { url: "https://crm.example/hook", events: ["chat.exploded"] })).status, 400);
  assert.equal((await api("POST", hooks, owner, { url: "https://crm.example/hook", events: ["chat.rated"], extra: 1 })).status, 400);

  const all = ["chat.started", "chat.accepted", "chat.finished", "offline.message", "chat.rated"];
  main = await api("POST", hooks, owner, { url: `http://127.0.0.1:${RECEIVER}/hook`, events: all });
  assert.equal(main.status, 201, JSON.stringify(main.json));
  main = main.json;
  assert.match(main.secret, /^whsec_.{40,}$/);
  flaky = (await api("POST", hooks, owner, { url: `http://127.0.0.1:${RECEIVER}/flaky`, events: ["chat.rated"] })).json;
  assert.notEqual(flaky.secret, main.secret);
  const listed = await api("GET", hooks, owner);
  assert.deepEqual(listed.json.map((e) => e.url), [main.url, flaky.url]);
});

test("a chat's life reaches the site's server: started, accepted, finished with the transcript, rated", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: "q1", text: "Is the Yixing teapot in stock?" });
  await visitor.next((f) => f.type === "ack");
  const ofThis = (event, path = "/hook") => (r) => r.path === path && r.body.event === event && r.body.conversation.id === v.conversation;

  const started = await delivery(ofThis("chat.started"));
  verifySignature(started, main.secret);
  assert.equal(started.headers["x-consultant-event"], "chat.started");
  assert.equal(started.headers["x-consultant-delivery"], started.body.id);
  assert.equal(started.body.site, "demo");
  assert.equal(started.body.conversation.last_preview, "Is the Yixing teapot in stock?");
  assert.equal(started.body.messages, undefined, "no transcript on chat.started");

  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${oleg.token}`);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "send", client_id: "a1", text: "Yes, two left." });
  await op.next((f) => f.type === "ack");
  const accepted = await delivery(ofThis("chat.accepted"));
  assert.equal(accepted.body.conversation.state.assignee.name, "Oleg");

  op.send({ type: "close" });
  const finished = await delivery(ofThis("chat.finished"));
  verifySignature(finished, main.secret);
  const texts = finished.body.messages.filter((m) => m.author.kind !== "system").map((m) => m.text);
  assert.deepEqual(texts, ["Is the Yixing teapot in stock?", "Yes, two left."]);
  assert.equal(finished.body.conversation.state.status, "closed");

  await visitor.next((f) => f.type === "state" && f.state.status === "closed");
  visitor.send({ type: "rate", score: 2, comment: "slow" });
  const rated = await delivery(ofThis("chat.rated"));
  assert.equal(rated.body.conversation.state.rating.score, 2);
  assert.equal(rated.body.conversation.state.rating.comment, "slow");

  // The flaky endpoint failed once (500) and got the same delivery again after the backoff.
  const retried = await delivery((r) => ofThis("chat.rated", "/flaky")(r) && received.filter(ofThis("chat.rated", "/flaky")).length === 2);
  verifySignature(retried, flaky.secret);
  const attempts = received.filter(ofThis("chat.rated", "/flaky"));
  assert.equal(attempts[0].body.id, attempts[1].body.id, "a retry is the same delivery");

  // Each event reached the main endpoint exactly once.
  await sleep(1000);
  const events = received.filter((r) => r.path === "/hook" && r.body.conversation.id === v.conversation).map((r) => r.body.event);
  assert.deepEqual(events, ["chat.started", "chat.accepted", "chat.finished", "chat.rated"]);
  await visitor.close();
  await op.close();

  const log = await api("GET", "/api/v1/sites/demo/webhooks/deliveries", owner);
  assert.equal(log.status, 200);
  const flakyEntry = log.json.find((d) => d.endpoint === flaky.id && d.conversation === v.conversation);
  assert.equal(flakyEntry.attempts, 2);
  assert.equal(flakyEntry.status, 200);
  assert.ok(flakyEntry.delivered_at && !flakyEntry.next_at && !flakyEntry.error);
  assert.ok(log.json.filter((d) => d.endpoint === main.id).every((d) => d.status === 200 && d.attempts === 1));
  assert.equal((await api("GET", "/api/v1/sites/demo/webhooks/deliveries", oleg)).status, 403);
});

test("an offline message arrives with its text", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "offline", client_id: "o1", contact: { name: "Ivan", email: "ivan@example.com" }, text: "Call me back, please" });
  await visitor.next((f) => f.type === "ack");
  const offline = await delivery((r) => r.body.event === "offline.message" && r.body.conversation.id === v.conversation);
  assert.equal(offline.body.conversation.state.contact.email, "ivan@example.com");
  assert.deepEqual(offline.body.messages.map((m) => m.text), ["Call me back, please"]);
  await delivery((r) => r.body.event === "chat.started" && r.body.conversation.id === v.conversation);
  await visitor.close();
});

test("an unreachable endpoint is logged and retried later; a removed one gets nothing more", async () => {
  const down = (await api("POST", "/api/v1/sites/demo/webhooks", owner, { url: "http://127.0.0.1:9/down", events: ["chat.started"] })).json;
  assert.equal((await api("DELETE", `/api/v1/sites/demo/webhooks/${main.id}`, owner)).status, 204);
  assert.equal((await api("DELETE", `/api/v1/sites/demo/webhooks/${main.id}`, owner)).status, 404);
  assert.equal((await api("DELETE", `/api/v1/sites/demo/webhooks/${flaky.id}`, oleg)).status, 403);
  const before = received.length;

  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: "x1", text: "Hello?" });
  await visitor.next((f) => f.type === "ack");
  let entry;
  const deadline = Date.now() + 10_000;
  while (!(entry = (await api("GET", "/api/v1/sites/demo/webhooks/deliveries", owner)).json.find((d) => d.endpoint === down.id && d.attempts >= 2))) {
    if (Date.now() > deadline) throw new Error("the unreachable endpoint was not retried");
    await sleep(100);
  }
  assert.match(entry.error, /could not connect/);
  assert.ok(entry.next_at > entry.created_at, "another try is scheduled");
  assert.equal(entry.delivered_at, undefined);
  assert.equal(received.length, before, "the removed endpoint got nothing");
  await visitor.close();
});
