// Who may do what: every console endpoint and socket tried as the owner, an admin, an
// operator, a removed operator, an operator of another site, a visitor and nobody, each
// answered exactly as the roles say. The same table is the matrix in docs/authorization.md:
// this test fails when the two differ (UPDATE_DOCS=1 rewrites the doc from the table).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";
import { png } from "../support/png.mjs";

const fixture = relayFixture();
let relay;
const ACTORS = ["owner", "admin", "operator", "removed", "other", "visitor", "anonymous"];
const HEADINGS = ["owner", "admin", "operator", "removed operator", "operator of another site", "visitor", "no token"];
const token = {};
const ids = {};
const sockets = [];
let counter = 0;
const unique = (prefix) => `${prefix}${++counter}`;
const member = (name, role = "operator") => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role });

async function http(method, path, actor, body, type = "application/json") {
  const response = await fetch(`${relay.origin}/api/v1${path}`, {
    method,
    headers: { ...(token[actor] ? { Authorization: `Bearer ${token[actor]}` } : {}), "Content-Type": type },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}
const socket = (path, actor) => refusedWith(`${relay.wsOrigin}/api/v1${path}?token=${token[actor] ?? ""}`);
const asOwner = (method, path, body) => http(method, path, "owner", body);

/** Each row: what, how it is tried (resolves with the HTTP status, 101 for an accepted socket), expected per actor. */
const MATRIX = [
  ["read site settings `GET /sites/{site}/settings`", (a) => http("GET", "/sites/demo/settings", a), [200, 200, 200, 401, 403, 403, 401]],
  ["change site settings `PUT /sites/{site}/settings`", async (a) => http("PUT", "/sites/demo/settings", a, await current()), [204, 204, 403, 401, 403, 403, 401]],
  ["list the team `GET /sites/{site}/operators`", (a) => http("GET", "/sites/demo/operators", a), [200, 200, 200, 401, 403, 403, 401]],
  ["add an operator `POST /sites/{site}/operators`", (a) => http("POST", "/sites/demo/operators", a, member(unique("Newop"))), [201, 201, 403, 401, 403, 403, 401]],
  ["add an admin", (a) => http("POST", "/sites/demo/operators", a, member(unique("Newadmin"), "admin")), [201, 403, 403, 401, 403, 403, 401]],
  ["remove an operator `DELETE /sites/{site}/operators/{id}`", async (a) => http("DELETE", `/sites/demo/operators/${await teammate("operator")}`, a), [204, 204, 403, 401, 403, 403, 401]],
  ["remove an admin", async (a) => http("DELETE", `/sites/demo/operators/${await teammate("admin")}`, a), [204, 403, 403, 401, 403, 403, 401]],
  ["remove the owner", (a) => http("DELETE", `/sites/demo/operators/${ids.owner}`, a), [403, 403, 403, 401, 403, 403, 401]],
  ["set an operator's photo `PUT /sites/{site}/operators/{id}/avatar`", (a) => http("PUT", `/sites/demo/operators/${ids.operator}/avatar`, a, png(40, 40), "image/png"), [200, 200, 200, 401, 403, 403, 401]],
  ["set an admin's photo", (a) => http("PUT", `/sites/demo/operators/${ids.admin}/avatar`, a, png(40, 40), "image/png"), [200, 200, 403, 401, 403, 403, 401]],
  ["set the owner's photo", (a) => http("PUT", `/sites/demo/operators/${ids.owner}/avatar`, a, png(40, 40), "image/png"), [200, 403, 403, 401, 403, 403, 401]],
  ["list bans `GET /sites/{site}/bans`", (a) => http("GET", "/sites/demo/bans", a), [200, 200, 403, 401, 403, 403, 401]],
  ["lift a ban `DELETE /sites/{site}/bans/{id}`", (a) => http("DELETE", "/sites/demo/bans/999999", a), [204, 204, 403, 401, 403, 403, 401]],
  ["list automatic answers `GET /sites/{site}/auto-answers`", (a) => http("GET", "/sites/demo/auto-answers", a), [200, 200, 403, 401, 403, 403, 401]],
  ["add an automatic answer `POST /sites/{site}/auto-answers`", (a) => http("POST", "/sites/demo/auto-answers", a, { question: unique("Question "), keywords: [unique("word")], answer: "An answer" }), [201, 201, 403, 401, 403, 403, 401]],
  ["remove an automatic answer `DELETE /sites/{site}/auto-answers/{id}` (404: none such)", (a) => http("DELETE", "/sites/demo/auto-answers/none-such", a), [404, 404, 403, 401, 403, 403, 401]],
  ["read the e-mail outbox `GET /sites/{site}/outbox`", (a) => http("GET", "/sites/demo/outbox", a), [200, 200, 403, 401, 403, 403, 401]],
  ["read reports `GET /sites/{site}/reports`", (a) => http("GET", `/sites/demo/reports?from=0&to=${86_400_000 * 300}`, a), [200, 200, 403, 401, 403, 403, 401]],
  ["export chats `GET /sites/{site}/reports.csv`", (a) => http("GET", `/sites/demo/reports.csv?from=0&to=${86_400_000 * 300}`, a), [200, 200, 403, 401, 403, 403, 401]],
  ["export the site's data `GET /sites/{site}/export`", (a) => http("GET", "/sites/demo/export", a), [200, 403, 403, 401, 403, 403, 401]],
  ["import data `POST /sites/{site}/import` (400: not an export)", (a) => http("POST", "/sites/demo/import", a, { format: 0 }), [400, 403, 403, 401, 403, 403, 401]],
  ["list API keys `GET /sites/{site}/api-keys`", (a) => http("GET", "/sites/demo/api-keys", a), [200, 200, 403, 401, 403, 403, 401]],
  ["create an API key `POST /sites/{site}/api-keys`", (a) => http("POST", "/sites/demo/api-keys", a, { name: unique("key ") }), [201, 201, 403, 401, 403, 403, 401]],
  ["revoke an API key `DELETE /sites/{site}/api-keys/{id}` (404: none such)", (a) => http("DELETE", "/sites/demo/api-keys/none-such", a), [404, 404, 403, 401, 403, 403, 401]],
  ["list webhooks `GET /sites/{site}/webhooks`", (a) => http("GET", "/sites/demo/webhooks", a), [200, 200, 403, 401, 403, 403, 401]],
  ["register a webhook `POST /sites/{site}/webhooks`", (a) => http("POST", "/sites/demo/webhooks", a, { url: "https://crm.example/hook", events: ["chat.rated"] }), [201, 201, 403, 401, 403, 403, 401]],
  ["remove a webhook `DELETE /sites/{site}/webhooks/{id}` (404: none such)", (a) => http("DELETE", "/sites/demo/webhooks/none-such", a), [404, 404, 403, 401, 403, 403, 401]],
  ["read the webhook delivery log `GET /sites/{site}/webhooks/deliveries`", (a) => http("GET", "/sites/demo/webhooks/deliveries", a), [200, 200, 403, 401, 403, 403, 401]],
  ["search history `GET /sites/{site}/history` (operators: chats they may open)", (a) => http("GET", "/sites/demo/history", a), [200, 200, 200, 401, 403, 403, 401]],
  ["start a chat with a live visitor `POST /sites/{site}/live-visitors/{id}/chat` (404: he left)", (a) => http("POST", "/sites/demo/live-visitors/gone-long-ago/chat", a), [404, 404, 404, 401, 403, 403, 401]],
  ["own account `GET /account`", (a) => http("GET", "/account", a), [200, 200, 200, 401, 200, 403, 401]],
  ["own statuses `PUT /account/statuses`", (a) => http("PUT", "/account/statuses", a, []), [204, 204, 204, 401, 204, 403, 401]],
  ["add a site `POST /sites` (owners)", (a) => http("POST", "/sites", a, { site: unique("site-"), name: "Another shop" }), [201, 403, 403, 401, 403, 403, 401]],
  ["upload a file to an unassigned chat `POST /sites/{site}/conversations/{id}/files`", (a) => upload(ids.unassigned, a), [201, 201, 201, 401, 403, 201, 401]],
  ["upload a file to a colleague's chat", (a) => upload(ids.allas, a), [201, 201, 403, 401, 403, 403, 401]],
  ["download a file of an unassigned chat", (a) => http("GET", `/sites/demo/conversations/${ids.unassigned}/files/${ids.file}`, a), [200, 200, 200, 401, 403, 200, 401]],
  ["download a file of a colleague's chat", (a) => http("GET", `/sites/demo/conversations/${ids.allas}/files/${ids.allasFile}`, a), [200, 200, 403, 401, 403, 403, 401]],
  ["change own password `PUT /account/password` (400: the current password is wrong)", (a) => http("PUT", "/account/password", a, { current: "not-the-password", new: "a-new-password-1" }), [400, 400, 400, 401, 400, 403, 401]],
  ["ask for a password reset `POST /auth/password-reset` (the same answer for every address)", (a) => http("POST", "/auth/password-reset", a, { email: "someone@shop.test" }), [202, 202, 202, 202, 202, 202, 202]],
  ["sign out `POST /auth/sign-out` (a fresh session of each; a removed operator may end his)", (a) => signOutFresh(a), [204, 204, 204, 204, 204, 403, 401]],
  ["sign a teammate out everywhere `POST /sites/{site}/operators/{id}/sign-out`", async (a) => http("POST", `/sites/demo/operators/${await teammate("operator")}/sign-out`, a), [204, 403, 403, 401, 403, 403, 401]],
  ["read the outbox while contact data is masked from admins", (a) => masked(() => http("GET", "/sites/demo/outbox", a)), [200, 403, 403, 401, 403, 403, 401]],
  ["export chats (CSV) while contact data is masked from admins", (a) => masked(() => http("GET", `/sites/demo/reports.csv?from=0&to=${86_400_000 * 300}`, a)), [200, 403, 403, 401, 403, 403, 401]],
  ["create an API key while contact data is masked from admins", (a) => masked(() => http("POST", "/sites/demo/api-keys", a, { name: unique("key") })), [201, 403, 403, 401, 403, 403, 401]],
  ["a socket ticket `POST /sites/{site}/tickets` (sockets take tickets, never the session token)", (a) => http("POST", "/sites/demo/tickets", a, {}), [200, 200, 200, 401, 403, 403, 401]],
  ["inbox socket (conversations, team, live visitors)", (a) => socket("/sites/demo/inbox-socket", a), [101, 101, 101, 401, 403, 403, 401]],
  ["operator socket of an unassigned chat", (a) => socket(`/sites/demo/conversations/${ids.unassigned}/operator-socket`, a), [101, 101, 101, 401, 403, 403, 401]],
  ["operator socket of a colleague's chat", (a) => socket(`/sites/demo/conversations/${ids.allas}/operator-socket`, a), [101, 101, 403, 401, 403, 403, 401]],
  ["visitor socket (his own chat only)", (a) => socket(`/sites/demo/conversations/${ids.unassigned}/visitor-socket`, a), [403, 403, 403, 403, 403, 101, 401]],
];

/** Commands on a conversation socket: who may send each (the others get `forbidden`). */
const COMMANDS = [
  ["`send`, `typing`, `close`", "✓", "✓", "✓"],
  ["`contact`, `custom_data`, `department`, `rate`, `transcript`, `callback`, `offline`, `consent`, `auto_feedback`", "✓", "✗", "✗"],
  ["`note`, `edit`, `delete` (own messages), `spam`, `ban`", "✗", "✓", "✓"],
  ["`assign` to a colleague", "✗", "✓", "✗ (takes only an unassigned chat, for himself)"],
  ["`transfer`", "✗", "✓", "✓ his own chats"],
  ["`invite`", "✗", "✓", "✓ chats he is in"],
  ["`tag`, `untag` (the site's list, or free tags when allowed)", "✗", "✓", "✓ chats he may open"],
];

let settingsNow;
const current = async () => settingsNow;
let ownerCredentials;

/** Signs the actor in afresh (when he can) and signs that session out. */
async function signOutFresh(actor) {
  const credentials = { owner: ownerCredentials, admin: member("Alla"), operator: member("Oleg"), other: member("Olga") }[actor];
  const session = credentials ? (await signIn(relay, credentials)).token : token[actor];
  const response = await fetch(`${relay.origin}/api/v1/auth/sign-out`, { method: "POST", headers: session ? { Authorization: `Bearer ${session}` } : {} });
  await response.arrayBuffer();
  return response.status;
}

/** Tries `attempt` while the site masks contact data from admins (and operators). */
async function masked(attempt) {
  const before = await current();
  assert.equal((await putSettings(relay, token.owner, { ...before, masking: { operators: true, admins: true } })).status, 204);
  try {
    return await attempt();
  } finally {
    assert.equal((await putSettings(relay, token.owner, before)).status, 204);
  }
}

/** A fresh teammate of `role`, added by the owner, to be removed by the actor. */
async function teammate(role) {
  const added = await fetch(`${relay.origin}/api/v1/sites/demo/operators`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token.owner}`, "Content-Type": "application/json" },
    body: JSON.stringify(member(unique("Target"), role)),
  });
  return (await added.json()).id;
}

function upload(conversation, actor) {
  return fetch(`${relay.origin}/api/v1/sites/demo/conversations/${conversation}/files`, {
    method: "POST",
    headers: { ...(token[actor] ? { Authorization: `Bearer ${token[actor]}` } : {}), "Content-Type": "text/plain", "X-File-Name": "note.txt" },
    body: "hello",
  }).then(async (r) => (await r.arrayBuffer(), r.status));
}

/** A visitor who writes one message; returns his session. */
async function visitorWrites(text) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const s = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  sockets.push(s);
  await s.next((f) => f.type === "welcome");
  s.send({ type: "send", client_id: unique("m"), text });
  await s.next((f) => f.type === "ack");
  return { ...v, socket: s };
}

function markdown() {
  const mark = (status) => (status === 101 || (status >= 200 && status < 300) ? "✓" : status === 404 ? "✓ (404)" : `✗ ${status}`);
  const rows = MATRIX.map(([what, , expected]) => `| ${what} | ${expected.map(mark).join(" | ")} |`);
  const commands = COMMANDS.map((row) => `| ${row.join(" | ")} |`);
  return [
    `| action | ${HEADINGS.join(" | ")} |`,
    `|---|${HEADINGS.map(() => "---").join("|")}|`,
    ...rows,
    "",
    "On a conversation socket, commands are checked per side and role:",
    "",
    "| command | visitor | owner, admin | operator |",
    "|---|---|---|---|",
    ...commands,
  ].join("\n");
}

before(async () => {
  relay = await startRelay(fixture, 8807);
  const owner = await bootstrap(relay, fixture);
  ownerCredentials = owner;
  const ownerSession = await signIn(relay, owner);
  token.owner = ownerSession.token;
  ids.owner = ownerSession.operator;
  settingsNow = siteSettings({ departments: [], routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, token.owner, settingsNow)).status, 204);
  for (const who of [member("Alla", "admin"), member("Oleg"), member("Rita")]) {
    assert.equal(await asOwner("POST", "/sites/demo/operators", who), 201);
  }
  const alla = await signIn(relay, member("Alla"));
  const oleg = await signIn(relay, member("Oleg"));
  const rita = await signIn(relay, member("Rita"));
  [token.admin, token.operator, token.removed] = [alla.token, oleg.token, rita.token];
  [ids.admin, ids.operator] = [alla.operator, oleg.operator];
  assert.equal(await asOwner("DELETE", `/sites/demo/operators/${rita.operator}`), 204);
  // Another site with its own operator.
  const created = await postJson(relay, "/api/v1/sites", { site: "other", name: "Other shop" }, { Authorization: `Bearer ${token.owner}` });
  assert.equal(created.status, 201);
  const added = await postJson(relay, "/api/v1/sites/other/operators", member("Olga"), { Authorization: `Bearer ${created.json.token}` });
  assert.equal(added.status, 201);
  token.other = (await signIn(relay, member("Olga"))).token;

  // An unassigned chat (this visitor's) and one Alla took.
  const mine = await visitorWrites("Hello?");
  token.visitor = mine.token;
  ids.unassigned = mine.conversation;
  ids.file = (await (await fetch(`${relay.origin}/api/v1/sites/demo/conversations/${mine.conversation}/files`, {
    method: "POST", headers: { Authorization: `Bearer ${mine.token}`, "Content-Type": "text/plain", "X-File-Name": "a.txt" }, body: "a",
  })).json()).id;
  const theirs = await visitorWrites("Anyone?");
  ids.allas = theirs.conversation;
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${theirs.conversation}/operator-socket?token=${alla.token}`);
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "send", client_id: unique("m"), text: "I am here" });
  await op.next((f) => f.type === "state" && f.state.assignee?.name === "Alla");
  ids.allasFile = (await (await fetch(`${relay.origin}/api/v1/sites/demo/conversations/${theirs.conversation}/files`, {
    method: "POST", headers: { Authorization: `Bearer ${theirs.token}`, "Content-Type": "text/plain", "X-File-Name": "b.txt" }, body: "b",
  })).json()).id;
});

after(async () => {
  for (const s of sockets) await s.close();
  await relay?.stop();
});

for (const [what, attempt, expected] of MATRIX) {
  test(what, async () => {
    const got = [];
    for (const actor of ACTORS) got.push(await attempt(actor));
    assert.deepEqual(Object.fromEntries(ACTORS.map((a, i) => [a, got[i]])), Object.fromEntries(ACTORS.map((a, i) => [a, expected[i]])));
  });
}

test("socket commands: each side and role may send only its own", async () => {
  const visitor = sockets[0];
  const operatorSocket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${ids.unassigned}/operator-socket?token=${token.operator}`);
  const adminSocket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${ids.unassigned}/operator-socket?token=${token.admin}`);
  sockets.push(operatorSocket, adminSocket);
  await operatorSocket.next((f) => f.type === "welcome");
  await adminSocket.next((f) => f.type === "welcome");
  const refused = async (s, command) => {
    s.send(command);
    return (await s.next((f) => f.type === "error" || (f.type === "done" && f.command === command.type))).code ?? "done";
  };
  for (const command of [{ type: "contact", contact: { name: "X" } }, { type: "rate", score: 1 }, { type: "callback", phone: "+7 900 000-00-00" }, { type: "auto_feedback", helpful: true }]) {
    assert.equal(await refused(operatorSocket, command), "forbidden", command.type);
  }
  for (const command of [{ type: "note", client_id: unique("n"), text: "x" }, { type: "spam" }, { type: "ban" }, { type: "assign", operator: ids.operator }]) {
    assert.equal(await refused(visitor, command), "forbidden", command.type);
  }
  assert.equal(await refused(operatorSocket, { type: "assign", operator: ids.admin }), "forbidden", "operators do not hand chats to others");
  assert.equal(await refused(adminSocket, { type: "assign", operator: ids.operator }), "done", "admins assign by hand");
});

test("docs/authorization.md shows exactly this matrix", () => {
  const path = join(ROOT, "docs/authorization.md");
  const doc = readFileSync(path, "utf8");
  const [start, end] = ["<!-- matrix:start -->\n", "\n<!-- matrix:end -->"];
  const table = markdown();
  if (process.env.UPDATE_DOCS) {
    writeFileSync(path, doc.slice(0, doc.indexOf(start) + start.length) + table + doc.slice(doc.indexOf(end)));
    return;
  }
  assert.ok(doc.includes(start) && doc.includes(end), "the doc has the matrix markers");
  assert.equal(doc.slice(doc.indexOf(start) + start.length, doc.indexOf(end)), table);
});
