// Never lose a message: visitors and operators exchange 1,000+ messages while sockets are
// dropped at random and the relay process is restarted (wrangler dev, persisted state). Each
// client here follows the protocol the widget and console follow (`protocol::Timeline`):
// client-generated ids, an outbox resent after every reconnect, `after=<last seq>` on
// reconnect, backoff with jitter. At the end every message sent is stored exactly once, in
// the order its sender sent it, and both sides hold the same log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket, ticketUrl } from "../support/socket.mjs";
import { launchBrowser, consoleAs } from "../support/browser.mjs";

const PORT = 8808;
const VISITORS = 6;
const PER_VISITOR = 100;
const PER_OPERATOR_REPLY = 80;
const fixture = relayFixture();
let relay, ownerAccount, ownerSession, admin, farConversation;
const stats = { sent: 0, drops: 0, restarts: 0, reconnects: 0, resent: 0 };
const clients = new Set();

/** A client that never loses what it sends: outbox until acked, resend after reconnect. */
class ReliableClient {
  constructor(url, name) {
    this.url = url;
    this.name = name;
    this.outbox = new Map(); // client_id → frame
    this.order = []; // client ids in the order sent
    this.log = new Map(); // seq → message
    this.lastSeq = 0;
    this.stopped = false;
    this.attempt = 0;
    clients.add(this);
    this.connect();
  }

  async connect() {
    if (this.stopped) return;
    // An operator's socket takes a fresh ticket each time (none while the relay restarts).
    const url = await ticketUrl(`${this.url}&after=${this.lastSeq}`).catch(() => null);
    if (this.stopped) return;
    if (url === null) return this.retry();
    const ws = new WebSocket(url);
    this.ws = ws;
    // New messages go out directly only after the welcome's resend, never ahead of it.
    this.synced = false;
    ws.on("message", (data) => this.onFrame(JSON.parse(String(data))));
    ws.on("error", () => {});
    ws.on("close", () => this.retry());
  }

  retry() {
    if (this.stopped) return;
    // Backoff with jitter, as browser::socket does (shorter here, to keep the test brief).
    const delay = Math.min(2000, 50 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    stats.reconnects += 1;
    setTimeout(() => this.connect(), delay);
  }

  onFrame(frame) {
    if (frame.type === "welcome") {
      this.attempt = 0;
      this.synced = true;
      for (const message of frame.messages) this.store(message);
      for (const text of this.outbox.values()) {
        stats.resent += 1;
        this.ws.send(text);
      }
    } else if (frame.type === "messages") {
      for (const message of frame.messages) this.store(message);
    } else if (frame.type === "message") {
      this.store(frame.message);
    } else if (frame.type === "ack") {
      this.outbox.delete(frame.client_id);
    }
  }

  store(message) {
    this.log.set(message.seq, message);
    this.lastSeq = Math.max(this.lastSeq, message.seq);
  }

  send(text) {
    const clientId = `${this.name}-${this.order.length}`;
    const frame = JSON.stringify({ type: "send", client_id: clientId, text });
    this.order.push(clientId);
    this.outbox.set(clientId, frame);
    stats.sent += 1;
    if (this.synced && this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  drop() {
    if (this.ws?.readyState === WebSocket.OPEN) {
      stats.drops += 1;
      this.ws?.terminate();
    }
  }

  stop() {
    this.stopped = true;
    this.ws?.terminate();
  }

  /** Its state, for a failure message: what it holds against the stored log. */
  describe(stored) {
    const missing = stored.filter((m) => !this.log.has(m.seq)).slice(0, 10).map((m) => `${m.seq} ${m.client_id}`);
    return `${this.name}: socket state ${this.ws?.readyState}, holds ${this.log.size} of ${stored.length}, last seq ${this.lastSeq}, missing [${missing}], outbox ${this.outbox.size}`;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The log as a client receives it on connect (`after` = the last seq it saw): the welcome and
 * the `messages` frames after it; resolves once no frame came for 300 ms.
 */
async function catchUp(conversation, token, after = 0) {
  const ws = new WebSocket(await ticketUrl(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/operator-socket?token=${token}&after=${after}`));
  const frames = [];
  await new Promise((resolve, reject) => {
    let quiet;
    ws.on("message", (d) => {
      const f = JSON.parse(String(d));
      if (f.type === "welcome" || f.type === "messages") {
        frames.push(f.messages);
        clearTimeout(quiet);
        quiet = setTimeout(resolve, 300);
      }
    });
    ws.on("error", reject);
  });
  ws.close();
  return frames;
}

/** Every message of a conversation as stored, read on a fresh socket. */
const stored = async (conversation, token) => (await catchUp(conversation, token)).flat();

/** Messages people wrote (not system events), in log order. */
const written = (messages) => messages.filter((m) => m.author.kind !== "system");

before(async () => {
  relay = await startRelay(fixture, PORT);
  ownerAccount = await bootstrap(relay, fixture);
  ownerSession = await signIn(relay, ownerAccount);
  const settings = siteSettings({ departments: [], contact_form: { mode: "never" }, routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, ownerSession.token, settings)).status, 204);
  const alla = { name: "Alla", email: "alla@shop.test", password: "Alla-password-1", role: "admin" };
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", alla, { Authorization: `Bearer ${ownerSession.token}` })).status, 201);
  admin = await signIn(relay, alla);
});

after(async () => {
  // Clients reconnect forever: a failed test must not leave them keeping this process alive.
  for (const client of clients) client.stop();
  await relay?.stop();
});

test("1,000+ messages across dropped sockets and relay restarts: each stored once, in order, on both sides", { timeout: 240_000 }, async () => {
  const chats = [];
  for (let i = 0; i < VISITORS; i++) {
    const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
    const visitor = new ReliableClient(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`, `v${i}`);
    await until(() => visitor.ws?.readyState === WebSocket.OPEN, "visitor socket");
    visitor.send(`hello from visitor ${i}`);
    await until(() => visitor.outbox.size === 0, "first message");
    // Two operators share the chats: the owner and an admin.
    const token = i % 2 ? admin.token : ownerSession.token;
    const operator = new ReliableClient(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${token}`, `o${i}`);
    chats.push({ conversation: v.conversation, visitor, operator });
  }

  // Traffic: every client writes at its own pace; chaos runs alongside.
  let chaos = true;
  const chaosLoop = (async () => {
    while (chaos) {
      await sleep(150 + Math.random() * 250);
      // One of the sockets open now (around a restart most are reconnecting).
      const open = chats.flatMap((c) => [c.visitor, c.operator]).filter((c) => c.ws?.readyState === WebSocket.OPEN);
      open[Math.floor(Math.random() * open.length)]?.drop();
    }
  })();
  const writers = chats.flatMap(({ visitor, operator }, i) => [
    (async () => {
      for (let n = 1; n < PER_VISITOR; n++) {
        visitor.send(`visitor ${i} message ${n}`);
        await sleep(5 + Math.random() * 25);
      }
    })(),
    (async () => {
      for (let n = 0; n < PER_OPERATOR_REPLY; n++) {
        operator.send(`operator reply ${n} to ${i}`);
        await sleep(8 + Math.random() * 30);
      }
    })(),
  ]);
  // Two restarts of the relay process while messages flow.
  const restarts = (async () => {
    for (const at of [1500, 4000]) {
      await sleep(at === 1500 ? at : at - 1500);
      await relay.stop();
      stats.restarts += 1;
      await sleep(300);
      relay = await startRelay(fixture, PORT);
    }
  })();
  await Promise.all([...writers, restarts]);
  chaos = false;
  await chaosLoop;

  const everyone = chats.flatMap((c) => [c.visitor, c.operator]);
  await until(() => everyone.every((c) => c.outbox.size === 0), "every outbox to drain", 90_000);

  let storedTotal = 0;
  for (const { conversation, visitor, operator } of chats) {
    const log = await stored(conversation, ownerSession.token);
    assert.deepEqual(log.map((m) => m.seq), log.map((_, k) => k + 1), "sequence numbers run 1, 2, 3… without gaps");
    const ids = written(log).map((m) => m.client_id);
    storedTotal += ids.length;
    assert.equal(new Set(ids).size, ids.length, "no message stored twice");
    for (const sender of [visitor, operator]) {
      const mine = ids.filter((id) => id.startsWith(`${sender.name}-`));
      assert.deepEqual(mine, sender.order, `${sender.name}: everything sent is stored once, in the order sent`);
    }
    // Both sides hold exactly the stored log once they caught up.
    const caughtUp = () => visitor.log.size === log.length && operator.log.size === log.length;
    await until(caughtUp, "both sides to catch up", 30_000).catch((error) => {
      throw new Error(`${error.message}: ${[visitor, operator].map((side) => side.describe(log)).join("; ")}`);
    });
    for (const side of [visitor, operator]) {
      const seen = [...side.log.keys()].sort((a, b) => a - b).map((s) => side.log.get(s));
      assert.deepEqual(written(seen).map((m) => m.client_id), ids, `${side.name} holds the stored log`);
    }
  }
  console.log(`# delivery: sent ${stats.sent}, stored ${storedTotal}, sockets dropped ${stats.drops}, relay restarts ${stats.restarts}, reconnects ${stats.reconnects}, frames resent ${stats.resent}`);
  assert.equal(storedTotal, stats.sent);
  assert.ok(stats.sent >= 1000 && stats.drops > 5 && stats.restarts === 2);
});

test("messages whose sender is gone before the relay gets to them still reach everyone", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  const operator = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${ownerSession.token}`);
  await operator.next((f) => f.type === "welcome");
  // A burst, then the page goes: the relay carries the commands out after the socket closed,
  // when their acks can no longer be sent (this lost messages for the other side once).
  const texts = Array.from({ length: 8 }, (_, i) => `burst ${i}`);
  texts.forEach((text, i) => visitor.send({ type: "send", client_id: `burst-${i}`, text }));
  visitor.ws.close();
  for (const text of texts) {
    const frame = await operator.next((f) => f.type === "message" && f.message.text === text);
    assert.equal(frame.message.author.kind, "visitor");
  }
  const log = written(await stored(v.conversation, ownerSession.token));
  assert.deepEqual(log.map((m) => m.text), texts, "each stored once, in order");
  await operator.close();
});

test("a client far behind catches up on everything after its last message, in frames of at most 50", async () => {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = new ReliableClient(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`, "far");
  await until(() => visitor.synced, "visitor welcome");
  for (let i = 0; i < 620; i++) visitor.send(`line ${i}`);
  await until(() => visitor.outbox.size === 0, "620 messages stored", 60_000);
  visitor.stop();

  const fresh = await catchUp(v.conversation, ownerSession.token);
  assert.ok(fresh.every((frame) => frame.length <= 50), "no frame over 50 messages");
  assert.equal(fresh.flat().length, 500, "a new client gets the newest 500");
  assert.equal(fresh.flat().at(-1).text, "line 619");

  const behind = await catchUp(v.conversation, ownerSession.token, 3);
  const seqs = behind.flat().map((m) => m.seq);
  assert.equal(seqs.length, 620 - 3, "everything after seq 3, however much");
  assert.deepEqual(seqs, seqs.map((_, i) => i + 4), "in order, no gap");
  assert.ok(behind.length > 12 && behind.every((frame) => frame.length <= 50));
  farConversation = v.conversation;

  // Paging back: the 50 messages before a seq, then nothing before the first.
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${ownerSession.token}&after=620`);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "earlier", before: 121 });
  const page = await op.next((f) => f.type === "messages");
  assert.deepEqual(page.messages.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => 71 + i));
  op.send({ type: "earlier", before: 1 });
  assert.deepEqual((await op.next((f) => f.type === "messages")).messages, []);
  op.send({ type: "earlier", before: "x" });
  assert.equal((await op.next((f) => f.type === "error")).code, "invalid_field");
  await op.close();
});

test("the console shows a long chat's newest messages and pages back to the first on request", async () => {
  const browser = await launchBrowser();
  try {
    const page = await consoleAs(browser, relay, ownerAccount);
    await page.getByRole("button", { name: /^All/ }).click();
    await page.locator("button.conv", { hasText: "line 619" }).click();
    const log = page.locator("ol.log");
    await log.locator("li", { hasText: "line 619" }).waitFor();
    const first = log.locator("li > p", { hasText: /^line 0$/ });
    assert.equal(await first.count(), 0, "the oldest are not loaded yet");
    const earlier = page.getByRole("button", { name: "Show earlier messages" });
    for (let i = 0; i < 5 && (await earlier.count()); i++) {
      const shown = await log.locator("li").count();
      await earlier.click();
      await page.waitForFunction((n) => document.querySelectorAll("ol.log li").length > n, shown);
    }
    await first.waitFor();
    await earlier.waitFor({ state: "detached" });
    assert.equal(await log.locator("li > p", { hasText: /^line \d+$/ }).count(), 620, "every message, once");
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
});
