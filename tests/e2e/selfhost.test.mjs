// The self-host setup: the same worker under plain workerd (selfhost/start), state on local
// disk. A visitor chats through the widget on the demo shop with an operator in the console, a
// file goes through the disk store, the server restarts (an upgrade) mid-conversation, and
// both sides reconnect and carry on: nothing lost, nothing doubled.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { ROOT, signIn } from "../support/relay.mjs";
import { startSelfhost } from "../support/selfhost.mjs";
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

test("start-up refuses EMAIL_FROM without SMTP_URL (nothing could send) and a port something else answers on", async () => {
  await assert.rejects(
    startSelfhost(PORT, stateDir, { ...env, EMAIL_FROM: "chat@shop.example" }),
    (e) => /"event":"config.invalid".*EMAIL_FROM is set without SMTP_URL/.test(e.output),
  );
  const squatter = createServer((_, res) => res.end("{}"));
  await new Promise((r) => squatter.listen(PORT, "127.0.0.1", r));
  try {
    await assert.rejects(startSelfhost(PORT, stateDir, env), (e) => /"event":"start.port_taken"/.test(e.output) && !/relay.serving/.test(e.output));
  } finally {
    await new Promise((r) => squatter.close(r));
  }
});

test("under plain workerd: widget and console chat, files on disk, a restart loses and doubles nothing", async () => {
  server = await startSelfhost(PORT, stateDir, env);
  // The documented bootstrap: selfhost/bootstrap reads the token from the service's env file.
  const envFile = join(stateDir, "online-consultant.env");
  writeFileSync(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  const ownerLogin = { email: "owner@shop.test", password: randomBytes(9).toString("base64url") };
  const created = spawnSync(join(ROOT, "selfhost/bootstrap"), [envFile, server.origin], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, OWNER_EMAIL: ownerLogin.email, OWNER_NAME: "Anna Petrova", OWNER_PASSWORD: ownerLogin.password, SITE: "shop", SITE_NAME: "Teapot Shop" },
  });
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /Created the owner owner@shop\.test and the site "shop"/);
  assert.match(created.stdout, /sed -i '\/\^BOOTSTRAP_TOKEN=\/d'/);
  for (const secret of [secrets.BOOTSTRAP_TOKEN, secrets.TOKEN_SECRET, ownerLogin.password]) {
    assert.ok(!created.stdout.includes(secret) && !created.stderr.includes(secret), "no secret printed");
  }
  const again = spawnSync(join(ROOT, "selfhost/bootstrap"), [envFile, server.origin], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, OWNER_EMAIL: "x@shop.test", OWNER_NAME: "X", OWNER_PASSWORD: "x-password-1", SITE: "shop", SITE_NAME: "X" },
  });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /Not created \(409\): this installation already has an owner/);
  const owner = await signIn(server, ownerLogin);
  // The same security headers as on Cloudflare (front.mjs applies the _headers file).
  const consoleHeaders = (await fetch(`${server.origin}/console/`)).headers;
  assert.match(consoleHeaders.get("content-security-policy"), /frame-ancestors 'none'/);
  assert.equal(consoleHeaders.get("referrer-policy"), "no-referrer");
  assert.equal((await fetch(`${server.origin}/widget.js`)).headers.get("access-control-allow-origin"), "*");
  assert.equal((await fetch(`${server.origin}/api/v1/health`)).headers.get("x-content-type-options"), "nosniff");
  browser = await launchBrowser();
  // The operator's console (online, so the widget offers a live chat).
  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const deskErrors = watchErrors(desk);
  await desk.goto(`${server.origin}/console/`);
  await desk.fill("#email", ownerLogin.email);
  await desk.fill("#password", ownerLogin.password);
  await desk.click("button[type=submit]");
  await desk.locator("nav.inbox").waitFor();
  // The visitor on the demo shop.
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  // The documented site id is not the demo's own: the demo shop takes it from its address.
  await page.goto(`${server.origin}/demo/index.html?site=shop`);
  await page.waitForFunction(() => window.Consultant?.getState?.().ready);
  await page.evaluate(() => window.Consultant.open());
  const say = async (text) => {
    await inWidget(page, "textarea#cw-input").fill(text);
    await inWidget(page, "textarea#cw-input").press("Enter");
  };
  const reply = async (text) => {
    await desk.fill("#reply", text);
    await desk.press("#reply", "Enter");
  };
  await say("Hello from a self-hosted shop");
  await desk.locator("button.conv", { hasText: "self-hosted" }).click();
  await desk.locator("ol.log li.visitor", { hasText: "self-hosted" }).waitFor();
  await reply("Hello! How can I help?");
  await inWidget(page, "ol.log li.operator").filter({ hasText: "How can I help?" }).waitFor();

  // A file through the disk store, both ways.
  const inbox = await (await fetch(`${server.origin}/api/v1/sites/shop/history`, { headers: { Authorization: `Bearer ${owner.token}` } })).json();
  const id = inbox.conversations[0].id;
  const uploaded = await fetch(`${server.origin}/api/v1/sites/shop/conversations/${id}/files`, {
    method: "POST",
    headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "text/plain", "X-File-Name": "price-list.txt" },
    body: "Blue teapot: 40 EUR",
  });
  assert.equal(uploaded.status, 201);
  const file = await uploaded.json();
  const fileUrl = `${server.origin}/api/v1/sites/shop/conversations/${id}/files/${file.id}`;
  const download = await fetch(fileUrl, { headers: { Authorization: `Bearer ${owner.token}` } });
  assert.equal(download.status, 200);
  assert.equal(await download.text(), "Blue teapot: 40 EUR");

  // A restart (an upgrade) in the middle of the conversation, with a widget and a console
  // connected; both sides keep writing.
  const stopping = Date.now();
  await server.stop();
  const stopped = Date.now() - stopping;
  await say("Are you still there?");
  server = await startSelfhost(PORT, stateDir, env);
  const gap = Date.now() - stopping;
  console.log(`restart with a widget and a console connected: stopped in ${stopped} ms, serving again ${gap} ms after the stop began`);
  assert.ok(gap <= 5000, `back within 5 s (${gap} ms)`);
  await desk.locator("ol.log li.visitor", { hasText: "Are you still there?" }).waitFor({ timeout: 30_000 });
  await reply("Yes, the teapot is in stock");
  await inWidget(page, "ol.log li.operator").filter({ hasText: "the teapot is in stock" }).waitFor({ timeout: 30_000 });
  // Each message once on both sides.
  for (const text of ["self-hosted shop", "Are you still there?"]) {
    assert.equal(await inWidget(page, "ol.log li.visitor").filter({ hasText: text }).count(), 1, text);
    assert.equal(await desk.locator("ol.log li.visitor", { hasText: text }).count(), 1, text);
  }
  for (const text of ["How can I help?", "the teapot is in stock"]) {
    assert.equal(await inWidget(page, "ol.log li.operator").filter({ hasText: text }).count(), 1, text);
    assert.equal(await desk.locator("ol.log li.operator", { hasText: text }).count(), 1, text);
  }
  assert.equal((await fetch(fileUrl, { headers: { Authorization: `Bearer ${owner.token}` } })).status, 200, "files survive the restart");
  const dropped = /WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource|Failed to fetch/;
  assert.deepEqual(errors.filter((e) => !dropped.test(e)), []);
  assert.deepEqual(deskErrors.filter((e) => !dropped.test(e)), []);
});
