// The self-host setup: the same worker under plain workerd (selfhost/start), state on local
// disk. A visitor chats through the widget on the demo shop, a file goes through the disk
// store, the server restarts mid-conversation and the chat carries on with nothing lost.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { bootstrap, signIn } from "../support/relay.mjs";
import { startSelfhost } from "../support/selfhost.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, watchErrors } from "../support/browser.mjs";

const PORT = 8827;
const stateDir = mkdtempSync(join(tmpdir(), "consultant-selfhost-"));
const secrets = { TOKEN_SECRET: randomBytes(32).toString("base64url"), BOOTSTRAP_TOKEN: randomBytes(24).toString("base64url") };
const env = { ...secrets, RATE_VISITOR_MESSAGES: "1000/60000", RATE_NEW_VISITORS_PER_IP: "1000/60000" };
let server;
let browser;
after(async () => {
  await browser?.close();
  await server?.stop();
});
const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);

test("start-up under plain workerd refuses a missing TOKEN_SECRET, naming it", async () => {
  await assert.rejects(
    startSelfhost(PORT, stateDir, { BOOTSTRAP_TOKEN: secrets.BOOTSTRAP_TOKEN }),
    (e) => /TOKEN_SECRET is missing/.test(e.output) && !e.output.includes(secrets.BOOTSTRAP_TOKEN),
  );
});

test("under plain workerd: widget chat, files on disk, a restart loses nothing", async () => {
  server = await startSelfhost(PORT, stateDir, env);
  const owner = await signIn(server, await bootstrap(server, { secrets }));
  browser = await launchBrowser();
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.origin}/demo/index.html`);
  await page.waitForFunction(() => window.Consultant?.getState?.().ready);
  // The operator is online (the inbox socket), so the widget offers a live chat.
  const inbox = await openSocket(`${server.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${owner.token}`);
  await page.evaluate(() => window.Consultant.open());
  await inWidget(page, "textarea#cw-input").fill("Hello from a self-hosted shop");
  await inWidget(page, "textarea#cw-input").press("Enter");
  const started = await inbox.next((f) => f.type === "updated" && f.conversation.last_preview.includes("self-hosted"));
  const conversation = started.conversation.id;
  const ws = `${server.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/operator-socket?token=${owner.token}`;
  let op = await openSocket(ws);
  await op.next((f) => f.type === "welcome");

  // A file through the disk store, both ways.
  const uploaded = await fetch(`${server.origin}/api/v1/sites/demo/conversations/${conversation}/files`, {
    method: "POST",
    headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "text/plain", "X-File-Name": "price-list.txt" },
    body: "Blue teapot: 40 EUR",
  });
  assert.equal(uploaded.status, 201);
  const file = await uploaded.json();
  const fileUrl = `${server.origin}/api/v1/sites/demo/conversations/${conversation}/files/${file.id}?token=${owner.token}`;
  const download = await fetch(fileUrl);
  assert.equal(download.status, 200);
  assert.equal(await download.text(), "Blue teapot: 40 EUR");

  // A restart (an upgrade) in the middle of the conversation.
  inbox.ws.close();
  op.ws.close();
  await server.stop();
  server = await startSelfhost(PORT, stateDir, env);
  op = await openSocket(ws);
  const welcome = await op.next((f) => f.type === "welcome");
  assert.ok(welcome.messages.some((m) => m.text === "Hello from a self-hosted shop"), "the history survived");
  op.send({ type: "send", client_id: `op-${Date.now()}`, text: "Welcome back, the teapot is in stock" });
  await op.next((f) => f.type === "ack");
  // The widget reconnected by itself and shows the reply; its message is there once.
  await inWidget(page, "ol.log li.operator").filter({ hasText: "the teapot is in stock" }).waitFor({ timeout: 20_000 });
  assert.equal(await inWidget(page, "ol.log li.visitor").filter({ hasText: "self-hosted shop" }).count(), 1);
  assert.equal((await fetch(fileUrl)).status, 200, "files survive the restart");
  op.ws.close();
  assert.deepEqual(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
});
