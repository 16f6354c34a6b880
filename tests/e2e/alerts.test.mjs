// Alerts: nobody online during working hours (e-mail and webhook, at most once per 30
// minutes) and a chat rated low (below the site's threshold), with the settings validated.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings, outbox, waitForMail } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const PORT = 8817;
const RECEIVER = 8818;
const fixture = relayFixture();
const received = [];
let relay, receiver, owner;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function hook(event, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = received.filter((r) => r.event === event);
    if (found.length) return found;
    if (Date.now() > deadline) throw new Error(`no ${event} webhook`);
    await sleep(50);
  }
}

const alerts = { email: "boss@shop.test", low_rating_below_percent: 50, nobody_online: true };
const allWeek = { week: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: "00:00", to: "24:00" })), holidays: [] };
// How alerts' hours were stored before the site had working hours of its own.
const oldAlerts = { email: "boss@shop.test", low_rating_below_percent: 50, working_hours: { days: [1, 2, 3, 4, 5, 6, 7], from: "00:00", to: "24:00" } };

before(async () => {
  receiver = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      received.push(JSON.parse(raw));
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(RECEIVER, "127.0.0.1", r));
  relay = await startRelay(fixture, PORT, { ALERT_CHECK_MS: "300" });
  owner = await signIn(relay, await bootstrap(relay, fixture));
  const hooked = await postJson(relay, "/api/v1/sites/demo/webhooks", { url: `http://127.0.0.1:${RECEIVER}/alerts`, events: ["alert.low_rating", "alert.nobody_online"] }, { Authorization: `Bearer ${owner.token}` });
  assert.equal(hooked.status, 201);
});

after(async () => {
  await relay?.stop();
  receiver?.close();
});

test("alert settings are validated", async () => {
  const bad = [
    [{ ...alerts, email: "boss" }, /^alerts\.email: /],
    [{ ...alerts, low_rating_below_percent: 0 }, /^alerts\.low_rating_below_percent: 1 to 100$/],
    [{ ...alerts, working_hours: { days: [8], from: "09:00", to: "18:00" } }, /^alerts\.working_hours\.days: /],
    [{ ...alerts, working_hours: { days: [1], from: "18:00", to: "09:00" } }, /^alerts\.working_hours: from must be before to$/],
    [{ ...alerts, working_hours: { days: [1], from: "9am", to: "18:00" } }, /^alerts\.working_hours: expected HH:MM$/],
  ];
  for (const [value, message] of bad) {
    const saved = await putSettings(relay, owner.token, siteSettings({ alerts: value }));
    assert.equal(saved.status, 400);
    assert.match(saved.json.message, message);
  }
  const badTime = [
    [{ time_zone: "Mars/Olympus" }, /^time_zone: "Mars\/Olympus" is not an IANA time zone/],
    [{ time_zone: "Europe/Moscow; DROP" }, /^time_zone: /],
    [{ hours: { week: [{ day: 1, from: "18:00", to: "09:00" }] } }, /^hours\.week: from must be before to$/],
    [{ hours: { week: [], holidays: ["2026-02-30"] } }, /^hours\.holidays: "2026-02-30" is not a date/],
  ];
  for (const [value, message] of badTime) {
    const saved = await putSettings(relay, owner.token, siteSettings(value));
    assert.equal(saved.status, 400, JSON.stringify(value));
    assert.match(saved.json.message, message);
  }
  const settings = siteSettings({ alerts, hours: allWeek, time_zone: "Europe/Moscow", contact_form: { mode: "never" }, departments: [], routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, owner.token, settings)).status, 204);
});

test("nobody online in working hours: one e-mail and one webhook per 30 minutes, however many visitors come", async () => {
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status, 200);
  const mail = await waitForMail(relay, owner.token, (m) => m.subject.startsWith("Nobody is online"));
  assert.equal(mail.to, "boss@shop.test");
  const [alert] = await hook("alert.nobody_online");
  assert.equal(alert.site, "demo");
  assert.equal(alert.conversation, undefined);
  for (let i = 0; i < 3; i++) assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status, 200);
  await sleep(500);
  assert.equal((await outbox(relay, owner.token)).filter((m) => m.subject.startsWith("Nobody is online")).length, 1);
  assert.equal(received.filter((r) => r.event === "alert.nobody_online").length, 1);
});

test("a chat rated below the threshold alerts by e-mail and webhook; a good rating does not", async () => {
  const inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${owner.token}`);
  await inbox.next((f) => f.type === "snapshot");
  const rated = async (score, text) => {
    const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
    const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
    await visitor.next((f) => f.type === "welcome");
    visitor.send({ type: "send", client_id: "q", text });
    await visitor.next((f) => f.type === "ack");
    const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${owner.token}`);
    await op.next((f) => f.type === "welcome");
    op.send({ type: "send", client_id: "a", text: "Hello" });
    await op.next((f) => f.type === "ack");
    op.send({ type: "close" });
    await visitor.next((f) => f.type === "state" && f.state.status === "closed");
    visitor.send({ type: "rate", score, comment: score < 3 ? "Too slow" : undefined });
    await visitor.next((f) => f.type === "done" && f.command === "rate");
    await op.close();
    await visitor.close();
    return v.conversation;
  };
  await rated(5, "All good");
  const low = await rated(2, "Where is my order?");
  const mail = await waitForMail(relay, owner.token, (m) => m.subject.startsWith("Low chat rating"));
  assert.match(mail.subject, /^Low chat rating: 2\/5 — /);
  assert.match(mail.body, /Comment: Too slow/);
  assert.match(mail.body, new RegExp(`Conversation: ${low}`));
  const [alert] = await hook("alert.low_rating");
  assert.equal(alert.conversation.id, low);
  assert.equal(alert.conversation.state.rating.score, 2);
  await sleep(500);
  assert.equal(received.filter((r) => r.event === "alert.low_rating").length, 1, "the good rating raised nothing");

  // The operator leaves within the 30 minutes of the last alert: no new one yet.
  await inbox.close();
  await sleep(500);
  assert.equal(received.filter((r) => r.event === "alert.nobody_online").length, 1);
});

test("nobody online is noticed by the site's own timer too, with no visitor at all", async () => {
  const auth = { Authorization: `Bearer ${owner.token}`, "Content-Type": "application/json" };
  assert.equal((await postJson(relay, "/api/v1/sites", { site: "night-shop", name: "Night shop" }, auth)).status, 201);
  // Saved in the old shape (alerts with hours of their own): they become the site's hours.
  const settings = siteSettings({ name: "Night shop", alerts: oldAlerts, utc_offset_minutes: 0 });
  const saved = await fetch(`${relay.origin}/api/v1/sites/night-shop/settings`, { method: "PUT", headers: auth, body: JSON.stringify(settings) });
  assert.equal(saved.status, 204);
  const stored = await (await fetch(`${relay.origin}/api/v1/sites/night-shop/settings`, { headers: auth })).json();
  assert.deepEqual(stored.hours, allWeek);
  assert.equal(stored.alerts.nobody_online, true);
  assert.equal(stored.alerts.working_hours, undefined);
  const deadline = Date.now() + 10_000;
  let mails = [];
  while (!mails.some((m) => m.subject === "Nobody is online — Night shop")) {
    if (Date.now() > deadline) throw new Error("no alert from the timer");
    await sleep(200);
    mails = await (await fetch(`${relay.origin}/api/v1/sites/night-shop/outbox`, { headers: auth })).json();
  }
  await sleep(1000);
  mails = await (await fetch(`${relay.origin}/api/v1/sites/night-shop/outbox`, { headers: auth })).json();
  assert.equal(mails.filter((m) => m.subject.startsWith("Nobody is online")).length, 1, "still once per 30 minutes");
});
