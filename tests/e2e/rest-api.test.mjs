// The REST API for the site's server: API keys (created and revoked by admins, stored hashed),
// conversations and contacts with paging and date filters, custom data from the server; and
// the 401/403/404/400 cases. Every operation and every status code docs/openapi.json lists is
// exercised here, and the test fails if one is not: the document cannot drift from the API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import { ROOT, relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const PORT = 8815;
const fixture = relayFixture();
const openapi = JSON.parse(readFileSync(join(ROOT, "docs/openapi.json"), "utf8"));
/** "METHOD template status" for every call made, to check against the document. */
const seen = new Set();
let relay, owner, oleg, key, chats;

const member = (name, role = "operator") => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role });

/** Calls `template` (an OpenAPI path) with `params` substituted; records what it answered. */
async function call(method, template, { params = {}, query = "", token, body, raw } = {}) {
  const path = template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name] ?? "demo"));
  const response = await fetch(`${relay.origin}${path}${query ? `?${query}` : ""}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw ? { "Content-Type": "application/json" } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  seen.add(`${method} ${template} ${response.status}`);
  return { status: response.status, json: await response.json().catch(() => null) };
}

const KEYS = "/api/v1/sites/{site}/api-keys";
const KEY = "/api/v1/sites/{site}/api-keys/{id}";
const LIST = "/api/rest/v1/sites/{site}/conversations";
const ONE = "/api/rest/v1/sites/{site}/conversations/{conversation}";
const CUSTOM = "/api/rest/v1/sites/{site}/conversations/{conversation}/custom-data";
const USER_CUSTOM = "/api/rest/v1/sites/{site}/users/{user_id}/custom-data";
const CONTACTS = "/api/rest/v1/sites/{site}/contacts";

async function chat({ text, contact, identity, note, close }) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", identity ? { identity } : {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  if (contact) {
    visitor.send({ type: "contact", contact });
    await visitor.next((f) => f.type === "done" && f.command === "contact");
  }
  visitor.send({ type: "send", client_id: "q", text });
  await visitor.next((f) => f.type === "ack");
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${oleg.token}`);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "send", client_id: "a", text: `Re: ${text}` });
  await op.next((f) => f.type === "ack");
  if (note) {
    op.send({ type: "note", client_id: "n", text: note });
    await op.next((f) => f.type === "ack");
  }
  if (close) op.send({ type: "close" });
  await visitor.close();
  return { id: v.conversation, op };
}

before(async () => {
  relay = await startRelay(fixture, PORT);
  owner = await signIn(relay, await bootstrap(relay, fixture));
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", member("Oleg"), { Authorization: `Bearer ${owner.token}` })).status, 201);
  oleg = await signIn(relay, member("Oleg"));
  const settings = siteSettings({ contact_form: { mode: "never" }, departments: [], routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
});

after(async () => {
  for (const c of chats ?? []) await c.op.close();
  await relay?.stop();
});

test("API keys: admins create them (shown once, stored hashed) and revoke them; operators cannot", async () => {
  assert.equal((await call("GET", KEYS)).status, 401);
  assert.equal((await call("POST", KEYS, { body: { name: "CRM" } })).status, 401);
  assert.equal((await call("GET", KEYS, { token: oleg.token })).status, 403);
  assert.equal((await call("POST", KEYS, { token: oleg.token, body: { name: "CRM" } })).status, 403);
  const bad = await call("POST", KEYS, { token: owner.token, body: { name: "" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.message, "name: 1 to 80 characters");
  assert.equal((await call("POST", KEYS, { token: owner.token, body: { name: "x", admin: true } })).status, 400);

  const created = await call("POST", KEYS, { token: owner.token, body: { name: "CRM sync" } });
  assert.equal(created.status, 201);
  key = created.json;
  assert.match(key.key, /^ck_[A-Za-z0-9_-]{44}$/);
  assert.equal(key.prefix, key.key.slice(0, 10));
  const spare = (await call("POST", KEYS, { token: owner.token, body: { name: "Old script" } })).json;
  const listed = await call("GET", KEYS, { token: owner.token });
  assert.deepEqual(listed.json.map((k) => k.name), ["CRM sync", "Old script"]);
  assert.ok(listed.json.every((k) => !("key" in k)), "keys are never listed");
  assert.ok(!JSON.stringify(listed.json).includes(key.key.slice(10)));

  // A revoked key stops working at once.
  assert.equal((await call("GET", LIST, { token: spare.key })).status, 200);
  assert.equal((await call("DELETE", KEY, { params: { id: spare.id }, token: oleg.token })).status, 403);
  assert.equal((await call("DELETE", KEY, { params: { id: spare.id } })).status, 401);
  assert.equal((await call("DELETE", KEY, { params: { id: spare.id }, token: owner.token })).status, 204);
  assert.equal((await call("DELETE", KEY, { params: { id: spare.id }, token: owner.token })).status, 404);
  const revoked = await call("GET", LIST, { token: spare.key });
  assert.equal(revoked.status, 401);
  assert.equal(revoked.json.message, "unknown or revoked API key");
  const used = (await call("GET", KEYS, { token: owner.token })).json;
  assert.equal(used.length, 1);
  assert.ok(used[0].last_used_at === undefined, "the CRM key is not used yet");
});

test("only API keys open the REST API: no token, an operator's token, a made-up key are 401", async () => {
  assert.equal((await call("GET", LIST)).status, 401);
  const operatorToken = await call("GET", LIST, { token: owner.token });
  assert.equal(operatorToken.status, 401);
  assert.match(operatorToken.json.message, /API key/);
  assert.equal((await call("GET", LIST, { token: "ck_madeup" })).status, 401);
  assert.equal((await call("GET", CONTACTS, { token: "ck_madeup" })).status, 401);
  assert.equal((await call("GET", ONE, { params: { conversation: "x" } })).status, 401);
  assert.equal((await call("PUT", CUSTOM, { params: { conversation: "x" }, body: { items: [] } })).status, 401);
  assert.equal((await call("PUT", USER_CUSTOM, { params: { user_id: "u" }, body: { items: [] } })).status, 401);
  // A key of this site opens nothing of another site.
  assert.equal((await postJson(relay, "/api/v1/sites", { site: "other-shop", name: "Other shop" }, { Authorization: `Bearer ${owner.token}` })).status, 201);
  assert.equal((await call("GET", LIST, { params: { site: "other-shop" }, token: key.key })).status, 401);
  assert.equal((await call("GET", LIST, { params: { site: "no-such-site" }, token: key.key })).status, 404);
  assert.equal((await call("GET", CONTACTS, { params: { site: "no-such-site" }, token: key.key })).status, 404);
});

test("conversations: newest first, paged, filtered by date; one with every message but no notes", async () => {
  const t0 = Date.now();
  chats = [
    await chat({ text: "Do you ship to Kazan?", contact: { name: "Ivan Petrov", email: "ivan@example.com" }, note: "VIP customer", close: true }),
    await chat({ text: "Is the teapot in stock?" }),
  ];
  const [first, second] = chats;
  const list = await call("GET", LIST, { token: key.key });
  assert.equal(list.status, 200);
  const ids = list.json.conversations.map((c) => c.id);
  assert.deepEqual(ids.slice(0, 2), [second.id, first.id], "newest activity first");
  const page2 = await call("GET", LIST, { token: key.key, query: `before=${list.json.conversations[0].last_at}` });
  assert.equal(page2.json.conversations[0].id, first.id, "before= pages on");
  const later = await call("GET", LIST, { token: key.key, query: `from=${Date.now() + 60_000}` });
  assert.deepEqual(later.json.conversations, []);
  const window = await call("GET", LIST, { token: key.key, query: `from=${t0 - 1000}&to=${Date.now() + 1000}&text=Kazan` });
  assert.deepEqual(window.json.conversations.map((c) => c.id), [first.id]);
  const badDate = await call("GET", LIST, { token: key.key, query: "from=yesterday" });
  assert.equal(badDate.status, 400);
  assert.equal(badDate.json.message, "from: expected milliseconds since 1970");
  assert.equal((await call("GET", LIST, { token: key.key, query: "colour=red" })).status, 400);

  const one = await call("GET", ONE, { params: { conversation: first.id }, token: key.key });
  assert.equal(one.status, 200);
  assert.equal(one.json.conversation.state.status, "closed");
  const texts = one.json.messages.filter((m) => m.author.kind !== "system").map((m) => m.text);
  assert.deepEqual(texts, ["Do you ship to Kazan?", "Re: Do you ship to Kazan?"]);
  assert.ok(!JSON.stringify(one.json).includes("VIP customer"), "private notes stay private");
  assert.equal((await call("GET", ONE, { params: { conversation: "NoSuchConversation0000" }, token: key.key })).status, 404);
  assert.equal((await call("GET", ONE, { params: { conversation: "bad id!" }, token: key.key })).status, 404);
  const used = (await call("GET", KEYS, { token: owner.token })).json[0];
  assert.ok(used.last_used_at >= t0, "the key's last use is recorded");
});

test("contacts: only visitors who left contact data, with date filters", async () => {
  const contacts = await call("GET", CONTACTS, { token: key.key });
  assert.equal(contacts.status, 200);
  assert.deepEqual(contacts.json.contacts.map((c) => [c.conversation, c.contact.email]), [[chats[0].id, "ivan@example.com"]]);
  assert.equal(contacts.json.contacts[0].contact.name, "Ivan Petrov");
  assert.deepEqual((await call("GET", CONTACTS, { token: key.key, query: "to=1" })).json.contacts, []);
  const unknown = await call("GET", CONTACTS, { token: key.key, query: "text=Ivan" });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.message, "text: unknown filter (from, to, before)");
});

test("custom data from the site's server: checked, shown to operators at once; by conversation or verified user", async () => {
  const [first] = chats;
  const items = [{ title: "Orders", content: "3, last A-1042", link: "https://shop.example/orders/A-1042" }];
  assert.equal((await call("PUT", CUSTOM, { params: { conversation: first.id }, token: key.key, body: { items } })).status, 204);
  const state = await first.op.next((f) => f.type === "state" && f.state.custom_data.length === 1);
  assert.deepEqual(state.state.custom_data, items);

  const evil = await call("PUT", CUSTOM, { params: { conversation: first.id }, token: key.key, body: { items: [{ title: "x", content: "y", link: "javascript:alert(1)" }] } });
  assert.equal(evil.status, 400);
  const many = Array.from({ length: 21 }, (_, i) => ({ title: `t${i}`, content: "c" }));
  assert.equal((await call("PUT", CUSTOM, { params: { conversation: first.id }, token: key.key, body: { items: many } })).status, 400);
  assert.equal((await call("PUT", CUSTOM, { params: { conversation: first.id }, token: key.key, raw: "{not json" })).status, 400);
  assert.equal((await call("PUT", CUSTOM, { params: { conversation: "NoSuchConversation0000" }, token: key.key, body: { items } })).status, 404);

  // A verified user of the site (Consultant.identify): addressed by his user id.
  const secret = (await postJson(relay, "/api/v1/sites/demo/identity-secret", {}, { Authorization: `Bearer ${owner.token}` })).json.secret;
  const userHash = createHmac("sha256", secret).update("user-7").digest("hex");
  const verified = await chat({ text: "Where is my order?", identity: { user_id: "user-7", user_hash: userHash } });
  chats.push(verified);
  const plan = [{ title: "Plan", content: "Gold" }];
  assert.equal((await call("PUT", USER_CUSTOM, { params: { user_id: "user-7" }, token: key.key, body: { items: plan } })).status, 204);
  await verified.op.next((f) => f.type === "state" && f.state.custom_data[0]?.content === "Gold");
  assert.equal((await call("PUT", USER_CUSTOM, { params: { user_id: "user-8" }, token: key.key, body: { items: plan } })).status, 404);
  assert.equal((await call("PUT", USER_CUSTOM, { params: { user_id: "user-7" }, token: key.key, body: { items: plan, extra: 1 } })).status, 400);
});

test("docs/openapi.json: every operation and every status it lists was exercised above", () => {
  const missing = [];
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const status of Object.keys(operation.responses)) {
        const entry = `${method.toUpperCase()} ${path} ${status}`;
        if (!seen.has(entry)) missing.push(entry);
      }
    }
  }
  assert.deepEqual(missing, []);
  // And nothing answered with a status the document does not list.
  const undocumented = [...seen].filter((entry) => {
    const [method, path, status] = entry.split(" ");
    return !openapi.paths[path]?.[method.toLowerCase()]?.responses[status];
  });
  assert.deepEqual(undocumented, []);
});
