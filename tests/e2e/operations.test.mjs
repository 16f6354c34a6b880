// Operations: a bad configuration stops the relay with each setting named (never a secret);
// the upload settings apply; lifecycle events are logged as JSON lines without personal data;
// finished conversations past RETENTION_DAYS are deleted with their files.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { relayFixture, startRelay, bootstrap, signIn, postJson } from "../support/relay.mjs";
import { visitorWithMessages } from "../support/seed.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser } from "../support/browser.mjs";

const relays = [];
after(async () => Promise.all(relays.map((r) => r.stop())));

test("a bad or missing setting stops start-up, naming each one and no secret", async () => {
  const fixture = relayFixture();
  await assert.rejects(
    startRelay(fixture, 8822, { MAX_UPLOAD_MB: "50", RATE_VISITOR_MESSAGES: "lots", EMAIL_FROM: "nobody" }),
    (e) => {
      assert.match(e.message, /MAX_UPLOAD_MB must be a whole number from 1 to 10, not "50"/);
      assert.match(e.message, /RATE_VISITOR_MESSAGES must be burst\/per_minute/);
      assert.match(e.message, /EMAIL_FROM is not an e-mail address/);
      assert.ok(!e.message.includes(fixture.secrets.TOKEN_SECRET), "no secret in the message");
      return true;
    },
  );
  // Without TOKEN_SECRET (only the bootstrap token in the secrets file).
  const missing = relayFixture();
  writeFileSync(missing.envFile, `BOOTSTRAP_TOKEN=${missing.secrets.BOOTSTRAP_TOKEN}\n`);
  await assert.rejects(startRelay(missing, 8822), /TOKEN_SECRET is missing: set it to 32\+ random characters \(`wrangler secret put TOKEN_SECRET` on Cloudflare/);
});

test("messages follow MAX_MESSAGE_CHARS, uploads MAX_UPLOAD_MB and UPLOAD_TYPES; lifecycle events are JSON lines without message text", async () => {
  const fixture = relayFixture();
  const limits = { MAX_MESSAGE_CHARS: "20", MAX_UPLOAD_MB: "1", UPLOAD_TYPES: "text/plain" };
  const relay = await startRelay(fixture, 8823, limits, { logLevel: "log" });
  relays.push(relay);
  await bootstrap(relay, fixture);
  const health = await (await fetch(`${relay.origin}/api/v1/health`)).json();
  assert.equal(health.ok, true);
  const visitor = await visitorWithMessages(relay, 2, (i) => `private words ${i}`);
  const config = await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`)).json();
  assert.equal(config.max_message_chars, 20, "the widget learns the limit");
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`);
  await socket.next((f) => f.type === "welcome");
  socket.send({ type: "send", client_id: "long-one", text: "x".repeat(21) });
  const refused = await socket.next((f) => f.type === "error");
  assert.deepEqual([refused.code, refused.client_id, refused.message], ["too_large", "long-one", "messages may be at most 20 characters"]);
  socket.send({ type: "send", client_id: "just-fits", text: "y".repeat(20) });
  await socket.next((f) => f.type === "ack" && f.client_id === "just-fits");
  socket.ws.close();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${relay.origin}/demo/index.html`);
    await page.waitForFunction(() => window.Consultant?.getState?.().ready);
    await page.evaluate(() => window.Consultant.open());
    // Nobody is online here: the window is the leave-a-message form.
    const input = page.locator("consultant-widget >> textarea#cw-off-question");
    await input.waitFor();
    assert.equal(await input.getAttribute("maxlength"), "20", "the widget's input follows the relay's limit");
  } finally {
    await browser.close();
  }
  const upload = (type, body) =>
    fetch(`${relay.origin}/api/v1/sites/demo/conversations/${visitor.conversation}/files`, {
      method: "POST",
      headers: { Authorization: `Bearer ${visitor.token}`, "Content-Type": type, "X-File-Name": "f" },
      body,
    });
  assert.equal((await upload("text/plain", "fine")).status, 201);
  const pdf = await upload("application/pdf", "%PDF-1.7 not wanted here");
  assert.equal(pdf.status, 415);
  const big = await upload("text/plain", "a".repeat(1024 * 1024 + 1));
  assert.equal(big.status, 413);
  assert.match((await big.json()).message, /at most 1 MB/);

  // The log: one JSON object per line for the chat's start, with ids only.
  let started;
  for (let i = 0; i < 50 && !started; i++) {
    started = relay
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.event === "chat.started" && entry.conversation === visitor.conversation);
    if (!started) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(started, `no chat.started line in:\n${relay.output()}`);
  assert.equal(started.site, "demo");
  assert.equal(started.level, "info");
  assert.ok(Number.isInteger(started.ts));
  assert.ok(!relay.output().includes("private words"), "message text never reaches the log");
  assert.ok(!relay.output().includes(fixture.secrets.TOKEN_SECRET), "secrets never reach the log");
});

test("RETENTION_DAYS deletes finished conversations, their messages and files; open ones stay", async () => {
  const fixture = relayFixture();
  // A "day" of 2 s, so a day's retention passes during the test.
  const relay = await startRelay(fixture, 8824, { RETENTION_DAYS: "1", RETENTION_DAY_MS: "2000" }, { logLevel: "log" });
  relays.push(relay);
  const owner = await signIn(relay, await bootstrap(relay, fixture));
  const visitorSession = async (text) => {
    const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
    const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
    await socket.next((f) => f.type === "welcome");
    socket.send({ type: "send", client_id: `m-${v.conversation}`, text });
    await socket.next((f) => f.type === "ack");
    return { ...v, socket };
  };
  const finished = await visitorSession("Please forget me later");
  const file = await (await fetch(`${relay.origin}/api/v1/sites/demo/conversations/${finished.conversation}/files`, {
    method: "POST",
    headers: { Authorization: `Bearer ${finished.token}`, "Content-Type": "text/plain", "X-File-Name": "a.txt" },
    body: "attached",
  })).json();
  const fileUrl = `${relay.origin}/api/v1/sites/demo/conversations/${finished.conversation}/files/${file.id}?token=${finished.token}`;
  finished.socket.send({ type: "send", client_id: "with-file", text: "", attachment: file });
  await finished.socket.next((f) => f.type === "ack" && f.client_id === "with-file");
  assert.equal((await fetch(fileUrl)).status, 200);
  finished.socket.send({ type: "close" });
  await finished.socket.next((f) => f.type === "state" && f.state.status === "closed");
  const open = await visitorSession("Still talking");
  // An upload no message ever sent is deleted an "hour" (1/24 of the test's 2-second day) on.
  const unsent = await (await fetch(`${relay.origin}/api/v1/sites/demo/conversations/${open.conversation}/files`, {
    method: "POST",
    headers: { Authorization: `Bearer ${open.token}`, "Content-Type": "text/plain", "X-File-Name": "never-sent.txt" },
    body: "never sent",
  })).json();
  const unsentUrl = `${relay.origin}/api/v1/sites/demo/conversations/${open.conversation}/files/${unsent.id}?token=${open.token}`;
  let unsentStatus = 200;
  for (let i = 0; i < 50 && unsentStatus === 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    unsentStatus = (await fetch(unsentUrl)).status;
  }
  assert.equal(unsentStatus, 404, "the unsent upload is deleted");

  const listed = async () => {
    const response = await fetch(`${relay.origin}/api/v1/sites/demo/history`, { headers: { Authorization: `Bearer ${owner.token}` } });
    return (await response.json()).conversations.map((c) => c.id);
  };
  assert.deepEqual((await listed()).sort(), [finished.conversation, open.conversation].sort());
  let left = await listed();
  for (let i = 0; i < 100 && left.includes(finished.conversation); i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = await listed();
  }
  assert.deepEqual(left, [open.conversation], "the finished conversation is gone, the open one stays");
  assert.equal((await fetch(fileUrl)).status, 404, "its files are deleted");
  const deleted = relay.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l))
    .find((e) => e.event === "conversation.deleted" && e.conversation === finished.conversation);
  assert.equal(deleted?.reason, "retention");
  finished.socket.ws.close();
  open.socket.ws.close();
});
