// Identity verification of the host site's logged-in users: the site's server signs the user
// id with the site's secret (HMAC-SHA256), the page calls Consultant.identify; the relay checks
// it, the user's chat follows him to another device, and operators see him as verified.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, watchErrors } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const fixture = relayFixture();
let relay, owner, session, secret;
const secretCall = (method, token) =>
  fetch(`${relay.origin}/api/v1/sites/demo/identity-secret`, { method, headers: { Authorization: `Bearer ${token}` } })
    .then(async (r) => ({ status: r.status, json: await r.json() }));
const hash = (userId, key = secret) => createHmac("sha256", key).update(userId).digest("hex");
const welcomeState = async (conversation) => {
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/operator-socket?token=${session.token}`);
  const welcome = await op.next((f) => f.type === "welcome");
  await op.close();
  return welcome.state;
};

before(async () => {
  relay = await startRelay(fixture, 8811);
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
  assert.equal((await putSettings(relay, session.token, siteSettings({ departments: [], contact_form: { mode: "never" } }))).status, 204);
});
after(async () => relay?.stop());

test("the secret: owners and admins create it (shown once) and turn it off; operators cannot read it", async () => {
  const oleg = { name: "Oleg", email: "oleg@shop.test", password: "Oleg-password-1", role: "operator" };
  await postJson(relay, "/api/v1/sites/demo/operators", oleg, { Authorization: `Bearer ${session.token}` });
  const olegSession = await signIn(relay, oleg);
  assert.equal((await secretCall("POST", olegSession.token)).status, 403);
  assert.deepEqual((await secretCall("GET", session.token)).json, { enabled: false });

  const none = await postJson(relay, "/api/v1/sites/demo/visitors", { identity: { user_id: "user-42", user_hash: "0".repeat(64) } });
  assert.equal(none.status, 400);
  assert.match(none.json.message, /no identity secret/);

  const created = await secretCall("POST", session.token);
  assert.equal(created.status, 200);
  assert.equal(created.json.enabled, true);
  secret = created.json.secret;
  assert.ok(secret.length >= 40);
  assert.deepEqual((await secretCall("GET", session.token)).json, { enabled: true }, "never shown again");
  const settings = await (await fetch(`${relay.origin}/api/v1/sites/demo/settings`, { headers: { Authorization: `Bearer ${olegSession.token}` } })).text();
  assert.ok(!settings.includes(secret), "not in the settings operators read");
});

test("a verified user: his chat follows him to another device; operators see him verified; a bad hash is refused", async () => {
  const identity = { user_id: "user-42", user_hash: hash("user-42") };
  const laptop = await postJson(relay, "/api/v1/sites/demo/visitors", { identity });
  assert.equal(laptop.status, 200, laptop.text);
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${laptop.json.conversation}/visitor-socket?token=${laptop.json.token}`);
  await socket.next((f) => f.type === "welcome");
  socket.send({ type: "send", client_id: "from-laptop", text: "Written on my laptop" });
  await socket.next((f) => f.type === "ack");
  await socket.close();
  assert.equal((await welcomeState(laptop.json.conversation)).verified_user, "user-42");

  const phone = await postJson(relay, "/api/v1/sites/demo/visitors", { identity: { ...identity, user_hash: identity.user_hash.toUpperCase() } });
  assert.equal(phone.status, 200);
  assert.equal(phone.json.conversation, laptop.json.conversation, "the same chat on the phone");

  const wrong = await postJson(relay, "/api/v1/sites/demo/visitors", { identity: { user_id: "user-43", user_hash: identity.user_hash } });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json.message, "identity: the user hash does not match this user id");
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", { identity: { user_id: "x", user_hash: "nothex" } })).status, 400);
  const stranger = await postJson(relay, "/api/v1/sites/demo/visitors", {});
  assert.equal(stranger.status, 200);
  assert.notEqual(stranger.json.conversation, laptop.json.conversation);
  assert.equal((await welcomeState(laptop.json.conversation)).verified_user, "user-42");
});

test("in the browser: Consultant.identify before writing; the console's card shows the verified user", async () => {
  const shop = await startShop(8812, relay.origin);
  const browser = await launchBrowser();
  try {
    // An operator online, so the visitor gets the chat (not the leave-a-message form).
    const consolePage = await (await browser.newContext()).newPage();
    await consolePage.goto(`${relay.origin}/console/`);
    await consolePage.fill("#email", owner.email);
    await consolePage.fill("#password", owner.password);
    await consolePage.click("button[type=submit]");
    await consolePage.locator("nav.inbox").waitFor();
    const page = await (await browser.newContext()).newPage();
    page.errors = watchErrors(page);
    await page.goto(`${shop.origin}/index.html`);
    await page.evaluate(([id, h]) => window.Consultant.identify({ user_id: id, user_hash: h }), ["user-7", hash("user-7")]);
    const threw = await page.evaluate(async () => {
      await new Promise((r) => { const w = () => (window.Consultant.getState().ready ? r() : setTimeout(w, 20)); w(); });
      try { window.Consultant.identify({ user_id: "", user_hash: "x" }); return null; } catch (e) { return String(e); }
    });
    assert.match(threw, /identify: identity.user_id/);
    await page.locator("consultant-widget >> button.launcher").click();
    await page.locator("consultant-widget >> textarea#cw-input").fill("Hello as user 7");
    await page.locator("consultant-widget >> textarea#cw-input").press("Enter");
    await page.locator("consultant-widget >> li.visitor:not(.pending)").filter({ hasText: "Hello as user 7" }).waitFor();

    await consolePage.getByRole("button", { name: /^All/ }).click();
    await consolePage.locator("button.conv", { hasText: "Hello as user 7" }).click();
    await consolePage.locator("section.card dd", { hasText: "✓ user-7" }).waitFor();

    // He signs out of the shop on a shared computer: Consultant.reset() forgets him. The next
    // person at this browser gets an empty, new chat; user 7's comes back only with identify.
    const kept = (p) => p.evaluate(() => Object.fromEntries(Object.entries(localStorage).filter(([k]) => k.startsWith("consultant:demo:"))));
    const before = await kept(page);
    assert.ok(before["consultant:demo:token"]);
    await page.evaluate(() => window.Consultant.reset());
    const after = await kept(page);
    assert.deepEqual(Object.keys(after).filter((k) => k !== "consultant:demo:browser"), [], "token, contact, outbox, visit forgotten");
    assert.notEqual(after["consultant:demo:browser"], before["consultant:demo:browser"], "a new browser key: not linked to him in the live list");
    assert.equal(await page.evaluate(() => window.Consultant.getState().messages), 0);
    assert.equal(await page.evaluate(() => window.Consultant.getState().open), false);
    await page.reload();
    await page.locator("consultant-widget >> button.launcher").click();
    await page.locator("consultant-widget >> textarea#cw-input").fill("Hello from the next person");
    await page.locator("consultant-widget >> textarea#cw-input").press("Enter");
    await page.locator("consultant-widget >> li.visitor:not(.pending)").filter({ hasText: "Hello from the next person" }).waitFor();
    assert.equal(await page.locator("consultant-widget >> li.visitor").filter({ hasText: "Hello as user 7" }).count(), 0);
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await shop.stop();
  }
});
