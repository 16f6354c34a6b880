// An operator's own account: custom statuses (and offline) that colleagues see and routing
// honours, photos with format and size checks, and owners adding sites with their own install
// code. Through the API and in the console.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, watchErrors, seriousViolations, consoleAs } from "../support/browser.mjs";
import { png } from "../support/png.mjs";

const fixture = relayFixture();
let relay, browser, owner, ownerSession, alla, oleg;
const sockets = [];

const member = (name, role) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role });
async function call(method, path, token, body, type = "application/json") {
  const response = await fetch(`${relay.origin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": type },
    body: body === undefined ? undefined : Buffer.isBuffer(body) || typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json, headers: response.headers };
}
const inbox = async (session, site = "demo") => {
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/${site}/inbox-socket?token=${session.token}`);
  sockets.push(socket);
  await socket.next((f) => f.type === "snapshot");
  return socket;
};
const presence = async () => (await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`)).json()).presence.operators_online;

before(async () => {
  relay = await startRelay(fixture, 8806);
  owner = await bootstrap(relay, fixture);
  ownerSession = await signIn(relay, owner);
  assert.equal((await putSettings(relay, ownerSession.token, siteSettings({ departments: [] }))).status, 204);
  for (const who of [member("Alla", "admin"), member("Oleg", "operator")]) {
    assert.equal((await call("POST", "/api/v1/sites/demo/operators", ownerSession.token, who)).status, 201);
  }
  alla = await signIn(relay, member("Alla"));
  oleg = await signIn(relay, member("Oleg"));
  browser = await launchBrowser();
});

after(async () => {
  for (const socket of sockets) await socket.close();
  await browser?.close();
  await relay?.stop();
});

test("custom statuses: up to three, checked; colleagues see them with since; away and offline take no chats", async () => {
  assert.deepEqual((await call("GET", "/api/v1/account", oleg.token)).json.statuses, []);
  const lunch = { emoji: "🍔", text: "Lunch", availability: "away" };
  const call1 = { emoji: "📞", text: "On a call", availability: "away" };
  const focus = { emoji: "🎧", text: "Focused", availability: "online" };
  assert.equal((await call("PUT", "/api/v1/account/statuses", oleg.token, [lunch, call1, focus])).status, 204);
  assert.deepEqual((await call("GET", "/api/v1/account", oleg.token)).json.statuses, [lunch, call1, focus]);
  const four = await call("PUT", "/api/v1/account/statuses", oleg.token, [lunch, call1, focus, lunch]);
  assert.equal(four.status, 400);
  assert.equal(four.json.message, "statuses: at most 3");
  assert.match((await call("PUT", "/api/v1/account/statuses", oleg.token, [{ ...lunch, emoji: "lunch" }])).json.message, /^emoji:/);
  assert.equal((await call("PUT", "/api/v1/account/statuses", undefined, [])).status, 401);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  assert.equal((await call("GET", "/api/v1/account", visitor.token)).status, 403);

  const watcher = await inbox(alla);
  const olegInbox = await inbox(oleg);
  await watcher.next((f) => f.type === "team" && f.colleagues.some((c) => c.name === "Oleg" && c.availability === "online"));
  assert.equal(await presence(), true);

  olegInbox.send({ type: "status", availability: "online", custom: lunch });
  const seen = await watcher.next((f) => f.type === "team" && f.colleagues.some((c) => c.custom?.text === "Lunch"));
  const olegSeen = seen.colleagues.find((c) => c.name === "Oleg");
  assert.equal(olegSeen.availability, "away", "a custom status brings its own availability");
  assert.ok(olegSeen.since > Date.now() - 60_000);
  await watcher.close();
  assert.equal(await presence(), false, "Lunch takes no chats");

  olegInbox.send({ type: "status", availability: "online", custom: focus });
  await olegInbox.next((f) => f.type === "team" && f.colleagues.some((c) => c.custom?.text === "Focused"));
  assert.equal(await presence(), true, "Focused takes chats");
  olegInbox.send({ type: "status", availability: "offline" });
  await olegInbox.next((f) => f.type === "team" && f.colleagues.some((c) => c.availability === "offline"));
  assert.equal(await presence(), false);
  olegInbox.send({ type: "status", availability: "away", custom: { emoji: "x", text: "", availability: "away" } });
  assert.equal((await olegInbox.next((f) => f.type === "error")).code, "invalid_field");
  await olegInbox.close();
});

test("photos: PNG, JPEG or WebP up to 512 KB and 32–2048 px; who may change whose; public to visitors", async () => {
  const team = async () => (await call("GET", "/api/v1/sites/demo/operators", ownerSession.token)).json;
  const id = async (name) => (await team()).find((o) => o.name === name).id;
  const [olegId, annaId] = [await id("Oleg"), await id("Anna Petrova")];
  const avatarPath = (who) => `/api/v1/sites/demo/operators/${who}/avatar`;

  const own = await call("PUT", avatarPath(olegId), oleg.token, png(64, 64), "image/png");
  assert.equal(own.status, 200, JSON.stringify(own.json));
  assert.match(own.json.avatar, new RegExp(`^/api/v1/avatars/${olegId}\\?v=\\d+$`));
  assert.equal((await team()).find((o) => o.name === "Oleg").avatar, own.json.avatar);
  const served = await fetch(`${relay.origin}${own.json.avatar}`);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get("content-type"), "image/png");
  assert.equal(served.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), png(64, 64));

  assert.equal((await call("PUT", avatarPath(olegId), alla.token, png(100, 100), "image/png")).status, 200, "an admin sets an operator's photo");
  assert.equal((await call("PUT", avatarPath(annaId), alla.token, png(100, 100), "image/png")).status, 403, "but not the owner's");
  assert.equal((await call("PUT", avatarPath(annaId), oleg.token, png(100, 100), "image/png")).status, 403);
  assert.equal((await call("PUT", avatarPath(olegId), undefined, png(100, 100), "image/png")).status, 401);

  const refused = async (body, type) => {
    const answer = await call("PUT", avatarPath(olegId), oleg.token, body, type);
    return [answer.status, answer.json.message];
  };
  assert.deepEqual(await refused(Buffer.from("GIF89a......"), "image/gif"), [415, "an avatar is a PNG, JPEG or WebP image"]);
  assert.deepEqual(await refused(Buffer.from("<svg onload=alert(1)>"), "image/png"), [415, "the file is not the image type it claims"]);
  assert.deepEqual(await refused(png(16, 16), "image/png"), [400, "an avatar is 32 to 2048 pixels on each side"]);
  assert.deepEqual(await refused(Buffer.concat([png(64, 64), Buffer.alloc(600 * 1024)]), "image/png"), [413, "an avatar may be at most 512 KB"]);

  assert.equal((await call("DELETE", avatarPath(olegId), oleg.token)).json.avatar, null);
  assert.equal((await team()).find((o) => o.name === "Oleg").avatar, null);
  assert.equal((await fetch(`${relay.origin}/api/v1/avatars/${olegId}`)).status, 204, "no photo: nothing to draw");
});

test("sites: an owner adds a site with its own settings and team; ids are unique; only owners add", async () => {
  const created = await call("POST", "/api/v1/sites", ownerSession.token, { site: "tea-two", name: "Tea Two" });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.deepEqual(created.json.sites.map((m) => [m.site, m.role]).sort(), [["demo", "owner"], ["tea-two", "owner"]]);
  const config = await (await fetch(`${relay.origin}/api/v1/sites/tea-two/widget-config`)).json();
  assert.equal(config.site_name, "Tea Two");
  await inbox(created.json, "tea-two");

  assert.equal((await call("POST", "/api/v1/sites", ownerSession.token, { site: "tea-two", name: "Again" })).status, 409);
  assert.equal((await call("POST", "/api/v1/sites", ownerSession.token, { site: "demo", name: "Mine now" })).status, 409);
  assert.equal((await call("POST", "/api/v1/sites", alla.token, { site: "alla-shop", name: "Alla" })).status, 403);
  assert.equal((await call("POST", "/api/v1/sites", ownerSession.token, { site: "Bad Site!", name: "X" })).status, 400);
  // Demo's team has no access to the new site.
  assert.equal((await call("GET", "/api/v1/sites/tea-two/settings", alla.token)).status, 403);
  assert.equal((await call("GET", "/api/v1/sites/tea-two/settings", created.json.token)).status, 200);
});

test("the console: my photo, my statuses, picking one, colleagues see it; adding and switching sites", async () => {
  const open = (account) => consoleAs(browser, relay, account);
  const page = await open(member("Oleg"));
  await page.getByRole("link", { name: "My account" }).click();
  await page.locator("section[aria-labelledby=photo-title] input[type=file]").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(80, 80) });
  await page.locator("img.avatar.big").waitFor();
  // Saved statuses from the API test are there; change the first one's comment.
  const firstText = page.locator("#status-0-text");
  await firstText.fill("Lunch break");
  await page.locator("form[aria-labelledby=statuses-title]").getByRole("button", { name: "Save" }).click();
  await page.locator("form[aria-labelledby=statuses-title] [role=status]", { hasText: "Saved" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);

  const ownerPage = await open(owner);
  await page.getByRole("combobox", { name: "My status", exact: true }).selectOption({ label: "🍔 Lunch break" });
  await ownerPage.locator("ul.colleagues li", { hasText: /Oleg — 🍔 Lunch break since \d\d:\d\d/ }).waitFor();
  const avatar = ownerPage.locator("ul.colleagues li", { hasText: "Oleg" }).locator(".avatar img");
  await avatar.waitFor();
  assert.match(await ownerPage.locator("ul.colleagues li", { hasText: "Oleg" }).locator(".avatar").getAttribute("title"), /Oleg — 🍔 Lunch break since/);

  await ownerPage.getByRole("link", { name: "My account" }).click();
  await ownerPage.getByLabel("Site id (lowercase letters, digits, dashes)").fill("tea-three");
  await ownerPage.getByLabel("Site name").fill("Tea Three");
  await ownerPage.getByRole("button", { name: "Add a site" }).click();
  const snippet = ownerPage.getByLabel("Install code for tea-three");
  await snippet.waitFor();
  assert.equal(await snippet.inputValue(), `<script src="${relay.origin}/widget.js" data-site="tea-three" async></script>`);
  assert.equal(await ownerPage.getByRole("combobox", { name: "Site", exact: true }).inputValue(), "tea-three", "the console moved to the new site");
  await ownerPage.getByRole("combobox", { name: "Site", exact: true }).selectOption("demo");
  await ownerPage.locator("h1", { hasText: "demo" }).waitFor();
  assert.deepEqual(page.errors, []);
  assert.deepEqual(ownerPage.errors, []);
  await page.context().close();
  await ownerPage.context().close();
});

test("the console: change the password, forget it, reset it by the e-mailed link; the owner signs a member out everywhere", async () => {
  const pasha = member("Pasha", "operator");
  assert.equal((await call("POST", "/api/v1/sites/demo/operators", ownerSession.token, pasha)).status, 201);
  let page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.errors = watchErrors(page);
  const signInAs = async (email, password) => {
    await page.fill("#email", email);
    await page.fill("#password", password);
    await page.click("button[type=submit]");
    await page.locator("nav.inbox").waitFor();
  };
  await page.goto(`${relay.origin}/console/`);
  await signInAs(pasha.email, pasha.password);

  // My account → Change password: the current one first; a wrong one is said so.
  await page.getByRole("link", { name: "My account" }).click();
  const form = page.locator("section[aria-labelledby=password-title] form");
  await form.getByLabel("Current password").fill("not-my-password");
  await form.getByLabel("New password (at least 8 characters)").fill("Pasha-password-2");
  await form.getByLabel("Repeat the new password").fill("Pasha-password-2");
  await form.getByRole("button", { name: "Change password" }).click();
  await form.locator("[role=alert]", { hasText: "current password is wrong" }).waitFor();
  await form.getByLabel("Current password").fill(pasha.password);
  await form.getByRole("button", { name: "Change password" }).click();
  await form.locator("[role=status]", { hasText: "Password changed" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);

  // Signed out, he forgot it: the link comes by e-mail (the dev mailbox locally).
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("button", { name: "Forgot password?" }).click();
  await page.getByLabel("E-mail").fill(pasha.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await page.locator("[role=status]", { hasText: "the link is on its way" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  const mail = (await (await fetch(`${relay.origin}/api/v1/dev/account-mail`)).json()).find((m) => m.to === pasha.email);
  const link = mail.body.match(/https?:\/\/\S+#reset=\S+/)[0];
  // The link is opened from his mail: a new tab.
  await page.close();
  const resetPage = await page.context().newPage();
  resetPage.errors = watchErrors(resetPage);
  page = resetPage;
  await page.goto(link);
  await page.getByLabel("New password (at least 8 characters)").fill("Pasha-password-3");
  await page.getByLabel("Repeat the new password").fill("Pasha-password-3");
  await page.getByRole("button", { name: "Save the password" }).click();
  await page.locator("[role=status]", { hasText: "Sign in with the new one" }).waitFor();
  assert.ok(!page.url().includes("reset="), "the code left the address bar");
  assert.deepEqual(await seriousViolations(page), []);
  await signInAs(pasha.email, "Pasha-password-3");

  // The owner ends his sessions from the team list: this console finds itself signed out.
  const ownerPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  ownerPage.errors = watchErrors(ownerPage);
  await ownerPage.goto(`${relay.origin}/console/`);
  await ownerPage.fill("#email", owner.email);
  await ownerPage.fill("#password", owner.password);
  await ownerPage.click("button[type=submit]");
  await ownerPage.locator("nav.inbox").waitFor();
  await ownerPage.getByRole("link", { name: "Team" }).click();
  await ownerPage.getByRole("button", { name: "Sign out everywhere — Pasha" }).click();
  await ownerPage.locator("[role=status]", { hasText: "Pasha is signed out on every device." }).waitFor();
  // His console notices at once (its inbox socket was closed for good) and asks him to sign in.
  await page.locator("#email").waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem("consultant:console:session")), null);
  assert.deepEqual(page.errors.filter((e) => !/401/.test(e)), []);
  assert.deepEqual(ownerPage.errors, []);
  await page.context().close();
  await ownerPage.context().close();
});
