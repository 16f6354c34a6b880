// Limits and abuse. Rate limits: a visitor's messages, an operator's commands, new visitors per IP address and
// visitors' uploads per IP address; over the limit the client gets `rate_limited` with when to
// try again, nothing is stored, and a retry after that is stored once. Allowed origins: the
// widget runs only on the site's own pages. The relay runs with low limits and without the
// local-development allowances here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";
import { launchBrowser, watchErrors } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const fixture = relayFixture();
let relay, session;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  relay = await startRelay(fixture, 8809, {
    RATE_VISITOR_MESSAGES: "3/60",
    RATE_OPERATOR_COMMANDS: "5/60",
    RATE_NEW_VISITORS_PER_IP: "3/6",
    RATE_UPLOADS_PER_IP: "2/6",
    ALLOW_DEV_HEADERS: "false",
  });
  session = await signIn(relay, await bootstrap(relay, fixture));
  const settings = siteSettings({ departments: [], contact_form: { mode: "never" } });
  assert.equal((await putSettings(relay, session.token, settings)).status, 204);
});
after(async () => relay?.stop());

let first;

test("new visitors per IP: over the burst a clear 429 with Retry-After; a returning visitor still resumes", async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await postJson(relay, "/api/v1/sites/demo/visitors", {}));
  assert.deepEqual(made.map((r) => r.status), [200, 200, 200]);
  first = made[0].json;
  const response = await fetch(`${relay.origin}/api/v1/sites/demo/visitors`, { method: "POST", body: "{}" });
  assert.equal(response.status, 429);
  const body = await response.json();
  assert.equal(body.code, "rate_limited");
  assert.ok(body.retry_after_ms > 0 && body.retry_after_ms <= 10_000, `${body.retry_after_ms}`);
  assert.equal(response.headers.get("retry-after"), String(Math.ceil(body.retry_after_ms / 1000)));
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", { token: first.token })).status, 200, "resuming is not a new visitor");
});

test("a visitor's messages: a burst, then rate_limited naming the message; a retry later is stored once", async () => {
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${first.conversation}/visitor-socket?token=${first.token}`);
  await socket.next((f) => f.type === "welcome");
  for (let i = 1; i <= 5; i++) socket.send({ type: "send", client_id: `r${i}`, text: `message ${i}` });
  const acks = [];
  const limited = [];
  while (acks.length + limited.length < 5) {
    const frame = await socket.next((f) => f.type === "ack" || f.type === "error");
    if (frame.type === "ack") acks.push(frame.client_id);
    else limited.push(frame);
  }
  assert.deepEqual(acks, ["r1", "r2", "r3"]);
  assert.deepEqual(limited.map((e) => [e.code, e.client_id]), [["rate_limited", "r4"], ["rate_limited", "r5"]]);
  assert.ok(limited[0].retry_after_ms > 0 && limited[0].retry_after_ms <= 1000);

  await sleep(limited[0].retry_after_ms + 50);
  socket.send({ type: "send", client_id: "r4", text: "message 4" });
  assert.equal((await socket.next((f) => f.type === "ack")).client_id, "r4");
  await socket.close();
  const again = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${first.conversation}/visitor-socket?token=${first.token}`);
  const welcome = await again.next((f) => f.type === "welcome");
  const written = welcome.messages.filter((m) => m.author.kind === "visitor").map((m) => m.client_id);
  assert.deepEqual(written, ["r1", "r2", "r3", "r4"], "refused messages were not stored; nothing twice");
  await again.close();
});

test("an operator's script in a loop: past the burst its commands are refused with when to retry, and nothing refused is stored", async () => {
  // The visitor's chat of the test above: it has messages, so operators may open it.
  const v = first;
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${session.token}`);
  await op.next((f) => f.type === "welcome");
  for (let i = 1; i <= 8; i++) op.send({ type: "note", client_id: `n${i}`, text: `note ${i}` });
  const acks = [];
  const limited = [];
  while (acks.length + limited.length < 8) {
    const frame = await op.next((f) => f.type === "ack" || f.type === "error");
    if (frame.type === "ack") acks.push(frame.client_id);
    else limited.push(frame);
  }
  assert.deepEqual(acks, ["n1", "n2", "n3", "n4", "n5"]);
  assert.deepEqual(limited.map((e) => [e.code, e.client_id]), [["rate_limited", "n6"], ["rate_limited", "n7"], ["rate_limited", "n8"]]);
  assert.ok(limited[0].retry_after_ms > 0 && limited[0].retry_after_ms <= 12_000, `${limited[0].retry_after_ms}`);
  // Any command counts (a flood of tags too), and nothing refused was stored.
  op.send({ type: "typing", typing: true });
  assert.equal((await op.next((f) => f.type === "error")).code, "rate_limited");
  await op.close();
  const again = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${session.token}`);
  const welcome = await again.next((f) => f.type === "welcome");
  assert.deepEqual(welcome.messages.filter((m) => m.note).map((m) => m.client_id), acks);
  await again.close();
});

test("visitors' uploads per IP are limited; operators' are not", async () => {
  const upload = (token) =>
    fetch(`${relay.origin}/api/v1/sites/demo/conversations/${first.conversation}/files`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain", "X-File-Name": "a.txt" },
      body: "a",
    }).then((r) => r.status);
  assert.deepEqual([await upload(first.token), await upload(first.token), await upload(first.token)], [201, 201, 429]);
  assert.deepEqual([await upload(session.token), await upload(session.token), await upload(session.token)], [201, 201, 201]);
});

test("allowed origins: the widget runs only on the site's own pages", async () => {
  const base = siteSettings({ departments: [], contact_form: { mode: "never" } });
  const bad = await putSettings(relay, session.token, { ...base, allowed_origins: ["shop.example/"] });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /^allowed_origins: "shop.example\/" is not scheme:\/\/host/);
  const shop = await startShop(8810, relay.origin);
  assert.equal((await putSettings(relay, session.token, { ...base, allowed_origins: ["https://shop.example", "https://*.teapots.ru"] })).status, 204);

  const config = (origin) => fetch(`${relay.origin}/api/v1/sites/demo/widget-config`, { headers: origin ? { Origin: origin } : {} }).then((r) => r.status);
  assert.deepEqual(
    [await config("https://shop.example"), await config("https://msk.teapots.ru"), await config("https://evil.example"), await config(null), await config(shop.origin)],
    [200, 200, 403, 403, 403],
  );
  const session1 = await fetch(`${relay.origin}/api/v1/sites/demo/visitors`, { method: "POST", headers: { Origin: "https://evil.example" }, body: "{}" });
  assert.equal(session1.status, 403);
  const socketUrl = `${relay.wsOrigin}/api/v1/sites/demo/conversations/${first.conversation}/visitor-socket?token=${first.token}`;
  const presenceUrl = `${relay.wsOrigin}/api/v1/sites/demo/presence-socket?key=${"k".repeat(20)}`;
  const refused = async (url, origin) => {
    try {
      const s = await openSocket(url, { Origin: origin });
      await s.close();
      return 101;
    } catch (e) {
      return e.status;
    }
  };
  assert.deepEqual([await refused(socketUrl, "https://evil.example"), await refused(socketUrl, "https://shop.example")], [403, 101]);
  assert.deepEqual([await refused(presenceUrl, "https://evil.example"), await refused(presenceUrl, "https://shop.example")], [403, 101]);
  assert.equal(await refusedWith(presenceUrl), 403, "no Origin at all");

  // In a browser: on a page of another origin the launcher goes away; allowed, it works.
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    page.errors = watchErrors(page);
    await page.goto(`${shop.origin}/index.html`);
    await page.waitForFunction(() => window.Consultant.getState().ready);
    await page.locator("consultant-widget").evaluate((host) => new Promise((resolve) => {
      const check = () => (host.shadowRoot.querySelector("button.launcher").hidden || getComputedStyle(host).display === "none" ? resolve() : setTimeout(check, 50));
      check();
    }));
    assert.equal(await page.evaluate(() => window.Consultant.getState().hidden), true);

    assert.equal((await putSettings(relay, session.token, { ...base, allowed_origins: [shop.origin] })).status, 204);
    await page.reload();
    await page.waitForFunction(() => window.Consultant.getState().ready);
    await page.locator("consultant-widget >> button.launcher").click();
    await page.locator("consultant-widget >> section.window:not([hidden])").waitFor();
    assert.equal(await page.evaluate(() => window.Consultant.getState().hidden), false);
  } finally {
    await browser.close();
    await shop.stop();
  }
});
