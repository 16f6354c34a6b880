// Tags: admins keep the site's list (and may allow free tags); operators tag the chats they
// may open, spelled as the list spells them; the visitor never receives tags; history filters
// by tag, reports count by tag, and the CSV, the REST API and webhooks carry them; the console
// does it all by keyboard, in both languages, axe clean. Every refusal is tried: an unlisted
// tag, a visitor's tag command, an operator changing the list, another site's operator, a
// removed operator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings, call } from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";
import { launchBrowser, seriousViolations, consoleAs } from "../support/browser.mjs";

const PORT = 8852;
const RECEIVER = 8853;
const fixture = relayFixture();
let relay, receiver, browser, ownerAccount, owner, oleg, rita, olga;
const received = [];
const sockets = [];
let counter = 0;
const id = () => `t${++counter}`;
const member = (name) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role: "operator" });
const auth = (session) => ({ Authorization: `Bearer ${session.token}` });
const ws = (path, token) => `${relay.wsOrigin}/api/v1/sites/demo${path}?token=${token}`;
const LIST = ["Refund", "Доставка", "VIP"];

async function settingsNow() {
  const answer = await call(relay, "GET", "/api/v1/sites/demo/settings", owner.token);
  assert.equal(answer.status, 200);
  return answer.json;
}

async function setTags(tags) {
  const saved = await putSettings(relay, owner.token, { ...(await settingsNow()), tags });
  assert.equal(saved.status, 204, JSON.stringify(saved.json));
}

/** A visitor writes; `operator` opens the chat. Both sockets are returned. */
async function chat(text, operator = oleg) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(ws(`/conversations/${v.conversation}/visitor-socket`, v.token));
  sockets.push(visitor);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: id(), text });
  await visitor.next((f) => f.type === "ack");
  const op = await openSocket(ws(`/conversations/${v.conversation}/operator-socket`, operator.token));
  sockets.push(op);
  await op.next((f) => f.type === "welcome");
  return { id: v.conversation, token: v.token, visitor, op };
}

/** Sends a tag command on `socket` and resolves with the relay's answer (done or error). */
async function tagging(socket, type, tag) {
  socket.send({ type, tag });
  return socket.next((f) => (f.type === "done" && f.command === type) || f.type === "error");
}

async function delivery(match, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = received.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such delivery; got ${JSON.stringify(received.map((r) => r.event))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  receiver = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      received.push(JSON.parse(raw));
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(RECEIVER, "127.0.0.1", r));
  relay = await startRelay(fixture, PORT);
  browser = await launchBrowser();
  ownerAccount = await bootstrap(relay, fixture);
  owner = await signIn(relay, ownerAccount);
  for (const who of [member("Oleg"), member("Rita")]) {
    assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", who, auth(owner))).status, 201);
  }
  oleg = await signIn(relay, member("Oleg"));
  rita = await signIn(relay, member("Rita"));
  const other = await postJson(relay, "/api/v1/sites", { site: "other", name: "Other shop" }, auth(owner));
  assert.equal(other.status, 201);
  assert.equal((await postJson(relay, "/api/v1/sites/other/operators", member("Olga"), { Authorization: `Bearer ${other.json.token}` })).status, 201);
  olga = await signIn(relay, member("Olga"));
  const settings = siteSettings({ contact_form: { mode: "never" }, departments: [], routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
  const hook = await call(relay, "POST", "/api/v1/sites/demo/webhooks", owner.token, { url: `http://127.0.0.1:${RECEIVER}/hook`, events: ["chat.finished"] });
  assert.equal(hook.status, 201, JSON.stringify(hook.json));
});

after(async () => {
  for (const s of sockets) await s.close().catch(() => {});
  await browser?.close();
  await relay?.stop();
  receiver?.close();
});

test("admins keep the site's list: a double or a comma is refused with the field named; an operator or another site may not change it", async () => {
  const base = await settingsNow();
  assert.deepEqual(base.tags, { list: [], free: false }, "no tags until an admin adds some");
  for (const [list, why] of [
    [["Refund", "REFUND"], /^tags\.list: "REFUND" is listed twice$/],
    [["a,b"], /^tags\.list: a tag has a comma/],
    [["x".repeat(41)], /^tags\.list: a tag is longer than 40/],
    [[" Refund"], /^tags\.list: " Refund" has spaces/],
  ]) {
    const refused = await putSettings(relay, owner.token, { ...base, tags: { list, free: false } });
    assert.equal(refused.status, 400, JSON.stringify(list));
    assert.match(refused.json.message, why);
  }
  assert.deepEqual((await settingsNow()).tags.list, [], "nothing of a refused list was saved");
  await setTags({ list: LIST, free: false });
  assert.deepEqual((await settingsNow()).tags, { list: LIST, free: false });

  const attempt = { ...(await settingsNow()), tags: { list: ["Mine"], free: true } };
  assert.equal((await putSettings(relay, oleg.token, attempt)).status, 403, "an operator");
  assert.equal((await putSettings(relay, olga.token, attempt)).status, 403, "another site's operator");
  assert.deepEqual((await settingsNow()).tags, { list: LIST, free: false });
  // Operators read the list (the console suggests it), and the widget never gets it.
  assert.deepEqual((await call(relay, "GET", "/api/v1/sites/demo/settings", oleg.token)).json.tags.list, LIST);
  const config = await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`)).text();
  assert.ok(!config.includes("Refund") && !config.includes("tags"), config);
});

test("operators tag from the list as it spells tags; the visitor never sees them; refused: unlisted, the visitor, another site, a removed operator", async () => {
  const c = await chat("Where is my refund?");
  assert.deepEqual(await tagging(c.op, "tag", "  refund "), { type: "done", command: "tag" });
  const state = await c.op.next((f) => f.type === "state" && f.state.tags);
  assert.deepEqual(state.state.tags, ["Refund"], "spelled as the list spells it");
  assert.deepEqual(await tagging(c.op, "tag", "доставка"), { type: "done", command: "tag" });
  assert.deepEqual((await c.op.next((f) => f.type === "state" && f.state.tags)).state.tags, ["Refund", "Доставка"]);
  // The same tag again, in another case, changes nothing.
  assert.deepEqual(await tagging(c.op, "tag", "REFUND"), { type: "done", command: "tag" });

  const unlisted = await tagging(c.op, "tag", "angry");
  assert.equal(unlisted.type, "error");
  assert.equal(unlisted.code, "invalid_field");
  assert.match(unlisted.message, /"angry" is not on the site's list/);
  const comma = await tagging(c.op, "tag", "a,b");
  assert.equal(comma.code, "invalid_field");

  const byVisitor = await tagging(c.visitor, "tag", "VIP");
  assert.equal(byVisitor.code, "forbidden");
  assert.equal((await tagging(c.visitor, "untag", "Refund")).code, "forbidden");

  // Another site's operator cannot open the chat at all; a removed operator's socket ends.
  assert.equal(await refusedWith(ws(`/conversations/${c.id}/operator-socket`, olga.token)), 403);
  const ritas = await openSocket(ws(`/conversations/${c.id}/operator-socket`, rita.token));
  sockets.push(ritas);
  await ritas.next((f) => f.type === "welcome");
  assert.equal((await call(relay, "DELETE", `/api/v1/sites/demo/operators/${rita.operator}`, owner.token)).status, 204);
  assert.equal(await ritas.closing(), 1008);
  ritas.send({ type: "tag", tag: "VIP" });
  assert.equal(await refusedWith(ws(`/conversations/${c.id}/operator-socket`, rita.token)), 401);

  // The visitor's sockets got state frames, none with tags; his welcome has none either.
  assert.ok(!c.visitor.frames.some((f) => JSON.stringify(f).includes("Refund")), JSON.stringify(c.visitor.frames));
  const again = await openSocket(ws(`/conversations/${c.id}/visitor-socket`, c.token));
  sockets.push(again);
  const welcome = await again.next((f) => f.type === "welcome");
  assert.equal(welcome.state.tags, undefined);
  // Operators' welcome carries them.
  const olegAgain = await openSocket(ws(`/conversations/${c.id}/operator-socket`, oleg.token));
  sockets.push(olegAgain);
  assert.deepEqual((await olegAgain.next((f) => f.type === "welcome")).state.tags, ["Refund", "Доставка"]);
  assert.deepEqual(
    (await call(relay, "GET", "/api/v1/sites/demo/history?tag=refund", oleg.token)).json.conversations.map((s) => s.state.tags),
    [["Refund", "Доставка"]],
    "Rita's last command changed nothing",
  );
});

test("free tags when allowed, at most ten a chat; a tag no longer listed stays and can be taken off", async () => {
  const c = await chat("A VIP question");
  assert.equal((await tagging(c.op, "tag", "VIP")).type, "done");
  await setTags({ list: ["Refund", "Доставка"], free: true });
  assert.deepEqual(await tagging(c.op, "tag", "  Angry   customer "), { type: "done", command: "tag" });
  await c.op.next((f) => f.type === "state" && f.state.tags?.includes("Angry customer"));
  for (let i = 3; i <= 10; i++) assert.equal((await tagging(c.op, "tag", `t${i}`)).type, "done", `tag ${i}`);
  const eleventh = await tagging(c.op, "tag", "one too many");
  assert.match(eleventh.message, /at most 10 tags/);
  // VIP left the list but stays on the chat, and comes off in any case.
  assert.deepEqual(await tagging(c.op, "untag", "vip"), { type: "done", command: "untag" });
  const after = await c.op.next((f) => f.type === "state" && f.state.tags?.length === 9 && !f.state.tags.includes("VIP"));
  assert.equal(after.state.tags.length, 9);
  assert.equal(after.state.tags[0], "Angry customer");
  await setTags({ list: LIST, free: false });
});

test("history filters by tag in any case; reports count by tag; the CSV, the REST API and the chat.finished webhook carry tags", async () => {
  const c = await chat("Delivery to Kazan?");
  assert.equal((await tagging(c.op, "tag", "Доставка")).type, "done");
  assert.equal((await tagging(c.op, "tag", "VIP")).type, "done");
  await c.op.next((f) => f.type === "state" && f.state.tags?.length === 2);

  const history = async (query, session = owner) => call(relay, "GET", `/api/v1/sites/demo/history?${query}`, session.token);
  const delivered = await history(`tag=${encodeURIComponent("ДОСТАВКА")}`);
  assert.equal(delivered.status, 200);
  assert.equal(delivered.json.conversations.length, 2, "the first test's chat and this one");
  assert.ok(delivered.json.conversations.every((s) => s.state.tags.includes("Доставка")));
  assert.deepEqual((await history("tag=VIP")).json.conversations.map((s) => s.id), [c.id]);
  assert.deepEqual((await history("tag=Dostavka")).json.conversations, []);
  const bad = await history("tag=a,b");
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /^tag: a tag has a comma/);

  const period = `from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}&tz=0`;
  const report = await call(relay, "GET", `/api/v1/sites/demo/reports?${period}`, owner.token);
  assert.equal(report.status, 200);
  assert.deepEqual(report.json.tags[0], { tag: "Доставка", chats: 2 }, "the most used first");
  const counts = Object.fromEntries(report.json.tags.map((t) => [t.tag, t.chats]));
  assert.equal(counts["Доставка"], 2);
  assert.equal(counts.Refund, 1);
  assert.equal(counts["Angry customer"], 1);
  assert.equal(counts.VIP, 1, "this chat; the other one's VIP came off");

  const csv = await fetch(`${relay.origin}/api/v1/sites/demo/reports.csv?${period}`, { headers: auth(owner) });
  const lines = (await csv.text()).trim().split("\r\n");
  assert.match(lines[0], /,utm_campaign,tags,auto_answer,transcript$/);
  assert.ok(lines.some((l) => l.startsWith(c.id) && l.includes(',"Доставка, VIP",')), lines.join("\n"));

  const key = await call(relay, "POST", "/api/v1/sites/demo/api-keys", owner.token, { name: "CRM" });
  assert.equal(key.status, 201);
  const rest = await fetch(`${relay.origin}/api/rest/v1/sites/demo/conversations/${c.id}`, { headers: { Authorization: `Bearer ${key.json.key}` } });
  assert.equal(rest.status, 200);
  assert.deepEqual((await rest.json()).conversation.state.tags, ["Доставка", "VIP"]);

  c.op.send({ type: "close" });
  const hook = await delivery((d) => d.event === "chat.finished" && d.conversation.id === c.id);
  assert.deepEqual(hook.conversation.state.tags, ["Доставка", "VIP"]);
});

test("the console: tag by keyboard from the list's suggestions, take a tag off, keep the list in Settings, filter history, read the report; in Russian too; axe clean", async () => {
  const c = await chat("Console, tag me");
  const page = await consoleAs(browser, relay, ownerAccount, { width: 1400, height: 900 });
  await page.getByRole("button", { name: "All", exact: true }).click();
  await page.locator("nav.inbox button.conv", { hasText: "Console, tag me" }).click();
  const card = page.locator("section.chat-tags");
  await card.getByText("No tags yet.").waitFor();
  assert.deepEqual(await page.locator("#site-tags option").evaluateAll((o) => o.map((x) => x.value)), LIST);
  const field = page.getByLabel("Tag the chat");
  await field.fill("vip");
  await field.press("Enter");
  await card.locator("li.tag", { hasText: "VIP" }).waitFor();
  await field.fill("nonsense");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.locator("p.notice", { hasText: "Choose a tag from the site's list." }).waitFor();
  assert.equal(await card.locator("li.tag").count(), 1, "nothing sent");
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole("button", { name: "Remove tag VIP" }).click();
  await card.getByText("No tags yet.").waitFor();
  await field.fill("Refund");
  await field.press("Enter");
  await card.locator("li.tag", { hasText: "Refund" }).waitFor();
  await c.op.next((f) => f.type === "state" && f.state.tags?.includes("Refund"));

  await page.getByRole("button", { name: "Русский", exact: true }).click();
  await card.getByRole("heading", { name: "Метки" }).waitFor();
  await page.getByLabel("Добавить метку").fill("что-то");
  await page.getByLabel("Добавить метку").press("Enter");
  await page.locator("p.notice", { hasText: "Выберите метку из списка сайта." }).waitFor();
  await page.getByRole("button", { name: "English", exact: true }).click();

  // Settings → Tags: a bad line is refused and nothing saved; a good list is saved tidy.
  await page.getByRole("link", { name: "Settings" }).click();
  const section = page.locator("form.section", { has: page.getByRole("heading", { name: "Tags", exact: true }) });
  const list = section.getByLabel("Tags operators choose from, one per line");
  assert.equal(await list.inputValue(), LIST.join("\n"));
  await list.fill(`${LIST.join("\n")}\nbad,tag`);
  await section.getByRole("button", { name: "Save" }).click();
  await section.locator("[role=status].error", { hasText: "comma" }).waitFor();
  assert.deepEqual((await settingsNow()).tags.list, LIST);
  await list.fill(`${LIST.join("\n")}\n\n  Return   of goods  \n`);
  await section.getByLabel("Operators may also type tags that are not on the list").check();
  await section.getByRole("button", { name: "Save" }).click();
  await section.locator("[role=status]", { hasText: "Saved" }).waitFor();
  assert.deepEqual((await settingsNow()).tags, { list: [...LIST, "Return of goods"], free: true });
  assert.deepEqual(await seriousViolations(page), []);
  await setTags({ list: LIST, free: false });

  await page.getByRole("link", { name: "History" }).click();
  await page.getByLabel("Tag", { exact: true }).fill("vip");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.locator("nav.history [role=status]", { hasText: "Found: 1" }).waitFor();
  assert.match(await page.locator("nav.history .tags-line").textContent(), /Tags: Доставка, VIP/);
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByRole("link", { name: "Reports" }).click();
  const byTag = page.locator("table.tags-report");
  await byTag.waitFor();
  assert.match(await byTag.textContent(), /Доставка2/);
  assert.match(await byTag.textContent(), /Refund2/);
  await page.getByRole("button", { name: "Русский", exact: true }).click();
  await page.getByRole("heading", { name: "Чаты по меткам" }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  // The one 400 is the refused list above.
  assert.equal(page.errors.filter((e) => e.includes("status of 400")).length, 1);
  assert.deepEqual(page.errors.filter((e) => !e.includes("status of 400")), []);
  await page.context().close();
});
