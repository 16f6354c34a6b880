// Reports: real chats (answered and rated, missed, offline, from a campaign, from an
// invitation) give the numbers the relay reports for a period, the CSV export, and the
// console's Reports screen with its charts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";

const PORT = 8816;
const fixture = relayFixture();
let relay, ownerAccount, owner, oleg, t0;

const member = (name) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role: "operator" });
const get = async (path, token) => {
  const response = await fetch(`${relay.origin}/api/v1/sites/demo${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
};

async function chat({ text, source, reply, rate, offline }) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  if (source) {
    visitor.send({ type: "source", source });
    await visitor.next((f) => f.type === "done" && f.command === "source");
  }
  if (offline) visitor.send({ type: "offline", client_id: "o", contact: { name: "Ivan", email: "ivan@example.com" }, text });
  else visitor.send({ type: "send", client_id: "q", text });
  await visitor.next((f) => f.type === "ack");
  if (reply) {
    const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${oleg.token}`);
    await op.next((f) => f.type === "welcome");
    op.send({ type: "send", client_id: "a", text: reply });
    await op.next((f) => f.type === "ack");
    if (rate) {
      op.send({ type: "close" });
      await visitor.next((f) => f.type === "state" && f.state.status === "closed");
      visitor.send({ type: "rate", score: rate });
      await visitor.next((f) => f.type === "done" && f.command === "rate");
    }
    await op.close();
  }
  await visitor.close();
}

before(async () => {
  relay = await startRelay(fixture, PORT);
  ownerAccount = await bootstrap(relay, fixture);
  owner = await signIn(relay, ownerAccount);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", member("Oleg"), { Authorization: `Bearer ${owner.token}` })).status, 201);
  oleg = await signIn(relay, member("Oleg"));
  const settings = siteSettings({ contact_form: { mode: "never" }, departments: [], routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
  t0 = Date.now();
  await chat({ text: "Spring sale teapots?", source: { landing: "https://shop.test/?utm_campaign=spring", utm: { campaign: "spring" } }, reply: "Yes, 20% off", rate: 5 });
  await chat({ text: "I was invited, hello", source: { landing: "https://shop.test/tea", invitation: true }, reply: "Welcome!" });
  await chat({ text: "Anyone?" });
  await chat({ text: "Call me back", offline: true });
});

after(async () => relay?.stop());

const period = () => `from=${t0 - 60_000}&to=${Date.now() + 60_000}&tz=180`;

test("the relay's report of a period: chats, missed, offline, first response, ratings, operators, sources", async () => {
  const answer = await get(`/reports?${period()}`, owner.token);
  assert.equal(answer.status, 200, answer.text);
  const r = JSON.parse(answer.text);
  assert.equal(r.chats, 4);
  assert.equal(r.missed, 2, "the unanswered chat and the offline message");
  assert.equal(r.offline, 1);
  assert.equal(r.per_day.reduce((n, d) => n + d.chats, 0), 4);
  assert.equal(r.per_hour.length, 24);
  assert.equal(r.per_hour.reduce((n, h) => n + h, 0), 4);
  assert.equal(r.per_hour[(new Date(t0).getUTCHours() + 3) % 24] >= 1, true, "hours in the asked time zone");
  assert.equal(r.first_response.count, 2);
  assert.ok(r.first_response.median_ms >= 0 && r.first_response.median_ms < 60_000);
  assert.equal(r.duration.count, 1, "one chat was closed");
  assert.deepEqual(r.ratings, { rated: 1, good: 1, poor: 0, mean_percent: 100 });
  assert.deepEqual(r.sources, { visitor: 2, invitation: 1, campaign: 1 });
  assert.equal(r.operators.length, 1);
  assert.equal(r.operators[0].name, "Oleg");
  assert.equal(r.operators[0].chats, 2);
  assert.equal(r.operators[0].messages, 2);
  assert.equal(r.operators[0].rating_percent, 100);

  const before = JSON.parse((await get(`/reports?from=${t0 - 86_400_000}&to=${t0 - 60_000}`, owner.token)).text);
  assert.equal(before.chats, 0, "chats outside the period do not count");
});

test("operators' online time: counted while the console is open and not away, cut to the period", async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const onlineMs = async (query = period()) => {
    const r = JSON.parse((await get(`/reports?${query}`, owner.token)).text);
    return r.operators.find((o) => o.name === "Oleg")?.online_ms ?? 0;
  };
  const before = await onlineMs();
  const opened = Date.now();
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${oleg.token}`);
  await inbox.next((f) => f.type === "snapshot");
  await sleep(1500);
  inbox.send({ type: "status", availability: "away" });
  await inbox.next((f) => f.type === "team" && f.colleagues.some((c) => c.name === "Oleg" && c.availability === "away"));
  const awayAt = Date.now();
  await sleep(1500);
  inbox.send({ type: "status", availability: "online" });
  await inbox.next((f) => f.type === "team" && f.colleagues.some((c) => c.name === "Oleg" && c.availability === "online"));
  const backAt = Date.now();
  await sleep(500);
  // While online, the open stretch counts up to now.
  const live = await onlineMs();
  assert.ok(live - before >= 1900, `${live - before} ms`);
  await inbox.close();
  await sleep(300);
  const closedAt = Date.now();
  const total = (await onlineMs()) - before;
  // Online from opening to going away, and from coming back to closing; not the 1.5 s away.
  assert.ok(total >= 1900, `${total} ms online`);
  assert.ok(total <= (awayAt - opened) + (closedAt - backAt), `${total} ms is more than the stretches online`);
  assert.equal(await onlineMs(), before + total, "closed: no longer growing");
  // A period that ends before he came online counts none of it.
  assert.equal(await onlineMs(`from=${opened - 120_000}&to=${opened - 60_000}&tz=0`), 0);
});

test("bad periods are refused; reports are for owners and admins", async () => {
  const missing = await get("/reports?to=5", owner.token);
  assert.equal(missing.status, 400);
  assert.equal(JSON.parse(missing.text).message, "from and to are required");
  assert.equal((await get("/reports?from=10&to=5", owner.token)).status, 400);
  assert.equal((await get(`/reports?from=0&to=${400 * 86_400_000}`, owner.token)).status, 400);
  assert.equal((await get(`/reports?${period()}`, oleg.token)).status, 403);
  assert.equal((await get(`/reports.csv?${period()}`, oleg.token)).status, 403);
});

test("the CSV export: one line per chat, spreadsheet-safe", async () => {
  const csv = await get(`/reports.csv?${period()}`, owner.token);
  assert.equal(csv.status, 200);
  assert.match(csv.type, /^text\/csv/);
  const lines = csv.text.trim().split("\r\n");
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^conversation,started_at,source,/);
  assert.match(lines[0], /,rating_scale,rating_comment,.*,utm_campaign,tags,auto_answer,transcript$/);
  assert.ok(lines.some((l) => /,campaign,.*,Oleg,.*,5,five_faces,.*,spring,,,http:\/\/127\.0\.0\.1:\d+\/console\/#\/demo\/chats\/[\w-]+$/.test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /,invitation,/.test(l)));
  assert.ok(lines.some((l) => /,true,true,.*Ivan,ivan@example\.com/.test(l)), "the offline message: missed and offline");
});

test("the console's Reports screen: figures, charts, operators, CSV download; accessible, in Russian", async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.errors = watchErrors(page);
    await page.goto(`${relay.origin}/console/`);
    await page.fill("#email", ownerAccount.email);
    await page.fill("#password", ownerAccount.password);
    await page.click("button[type=submit]");
    await page.getByRole("link", { name: "Reports" }).click();
    const figures = page.locator("dl.figures");
    await figures.waitFor();
    assert.match(await figures.textContent(), /Chats4Missed2Offline messages1/);
    assert.match(await figures.textContent(), /Mean rating100 %/);
    const perDay = page.locator("figure.chart", { hasText: "Chats per day" });
    assert.ok((await perDay.locator("rect.bar:not(.part)").count()) >= 30, "a bar for each day of the last 30");
    assert.equal(await page.locator("figure.chart", { hasText: "Chats by hour of day" }).locator("rect.bar:not(.part)").count(), 24);
    const sources = page.locator("figure.chart", { hasText: "Chats by source" });
    assert.match(await sources.locator("table.sr").textContent(), /Campaign \(UTM\)1/);
    assert.match(await page.locator("table.operators tbody").textContent(), /Oleg22/);
    assert.match(await page.locator("table.operators thead").textContent(), /Online$/);
    const olegOnline = page.locator("table.operators tbody tr", { hasText: "Oleg" }).locator("td").last();
    assert.match(await olegOnline.textContent(), /^\d+ s$/, "his seconds online in the test above");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    assert.match(download.suggestedFilename(), /^chats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(await download.path(), "utf8");
    assert.equal(text.trim().split("\r\n").length, 5);

    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole("button", { name: "Русский", exact: true }).click();
    await page.getByRole("heading", { name: "Отчёты" }).waitFor();
    await page.locator("figure.chart", { hasText: "Чаты по дням" }).waitFor();
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
});
