// Working hours in the site's IANA time zone: outside them the widget offers the leave-a-message
// form with the time the site opens again, in the visitor's own time and language, even while an
// operator is online; a department's own hours; routing passes a closed department by; the
// console's editor; admins only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, call } from "../support/relay.mjs";
import { launchBrowser, watchErrors, seriousViolations, consoleAs } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";
import { openSocket } from "../support/socket.mjs";

const fixture = relayFixture();
let relay, shop, browser, account, owner, inbox;

const inWidget = (page, selector) => page.locator(`consultant-widget >> ${selector}`);
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: "00:00", to: "24:00" }));

/** `YYYY-MM-DD` in `zone`, `days` from now. */
function dateIn(zone, days = 0) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date(Date.now() + days * 86_400_000));
}

/** `YYYY-MM-DD HH:MM` of an instant in `zone`. */
function wallClock(ms, zone) {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).format(new Date(ms));
}

async function configure(changes) {
  const saved = await putSettings(relay, owner.token, siteSettings({ contact_form: { mode: "never" }, ...changes }));
  assert.equal(saved.status, 204, JSON.stringify(saved.json));
}

async function widgetConfig() {
  const response = await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`, { headers: { Origin: shop.origin } });
  assert.equal(response.status, 200);
  return response.json();
}

async function visitor(locale, timezoneId) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale, timezoneId });
  const page = await context.newPage();
  page.errors = watchErrors(page);
  await page.goto(`${shop.origin}/index.html`);
  await page.waitForFunction(() => window.Consultant.getState().ready);
  await inWidget(page, "button.launcher").click();
  await inWidget(page, "section.window:not([hidden])").waitFor();
  return page;
}

before(async () => {
  relay = await startRelay(fixture, 8850);
  shop = await startShop(8851, relay.origin);
  browser = await launchBrowser();
  account = await bootstrap(relay, fixture);
  owner = await signIn(relay, account);
  // The owner's console is open: an operator is online throughout.
  inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${owner.token}`);
  await inbox.next((f) => f.type === "snapshot");
});

after(async () => {
  inbox?.close();
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("closed today and tomorrow (Berlin): the offline form says when we are back, in the visitor's time and language", async () => {
  await configure({ time_zone: "Europe/Berlin", hours: { week: allWeek, holidays: [dateIn("Europe/Berlin"), dateIn("Europe/Berlin", 1)] } });
  const config = await widgetConfig();
  assert.equal(config.presence.operators_online, false, "closed, though an operator is online");
  assert.equal(wallClock(config.presence.back_at, "Europe/Berlin"), `${dateIn("Europe/Berlin", 2)} 00:00`);
  // Berlin's offset of today goes to the page for its triggers: +60 in winter, +120 in summer.
  const berlinOffset = Math.round((Date.parse(wallClock(Date.now(), "Europe/Berlin").replace(" ", "T") + "Z") - Date.now()) / 60_000);
  assert.ok(Math.abs(config.utc_offset_minutes - berlinOffset) <= 1, `${config.utc_offset_minutes} vs ${berlinOffset}`);

  // A visitor in Tokyo: Berlin's midnight is his 08:00.
  const page = await visitor("en-GB", "Asia/Tokyo");
  const form = inWidget(page, "form.offline");
  await form.waitFor();
  const backAt = (await form.locator("p.back-at").textContent()).trim();
  assert.match(backAt, /^We are back: .*08:00\.$/);
  assert.deepEqual(await seriousViolations(page, "consultant-widget"), []);
  assert.deepEqual(page.errors, []);

  await configure({ locale: "ru", time_zone: "Europe/Berlin", hours: { week: allWeek, holidays: [dateIn("Europe/Berlin"), dateIn("Europe/Berlin", 1)] } });
  const ru = await visitor("ru-RU", "Asia/Tokyo");
  const text = (await inWidget(ru, "form.offline p.back-at").textContent()).trim();
  assert.match(text, /^Снова на связи: .*08:00\.$/);
  await page.context().close();
  await ru.context().close();
});

test("within working hours the chat is open as usual, and nothing promises a return", async () => {
  await configure({ time_zone: "Europe/Berlin", hours: { week: allWeek, holidays: [] } });
  const config = await widgetConfig();
  assert.equal(config.presence.operators_online, true);
  assert.equal(config.presence.back_at, undefined);
  const page = await visitor("en-GB", "Europe/Berlin");
  await inWidget(page, "textarea#cw-input").waitFor();
  assert.equal(await inWidget(page, "form.offline").count(), 0);
  await page.context().close();
});

test("a department with its own hours; a chat for a closed department goes to whoever is online", async () => {
  const today = dateIn("Europe/Moscow");
  await configure({
    time_zone: "Europe/Moscow",
    departments: [
      { id: "sales", name: "Sales", hours: { week: allWeek, holidays: [today] } },
      { id: "support", name: "Support" },
    ],
  });
  const config = await widgetConfig();
  assert.deepEqual(config.presence.departments_online, ["support"]);
  assert.equal(config.departments[0].hours, undefined, "visitors are not sent the hours");

  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  const welcome = await socket.next((f) => f.type === "welcome");
  assert.deepEqual(welcome.presence.departments_online, ["support"]);
  socket.send({ type: "department", id: "sales" });
  await socket.next((f) => f.type === "done" && f.command === "department");
  socket.send({ type: "send", client_id: `m-${Date.now()}`, text: "Is the sofa in stock?" });
  const assigned = await socket.next((f) => f.type === "state" && f.state.assignee);
  assert.ok(assigned.state.assignee.id, "routed to the online owner although sales is closed");
  socket.close();
  await configure({ departments: [] });
});

test("the console edits the time zone, the hours and the holidays; an operator may not", async () => {
  await configure({ hours: null, time_zone: null, utc_offset_minutes: 180 });
  const page = await consoleAs(browser, relay, account);
  await page.getByRole("link", { name: "Settings" }).click();
  const form = page.locator("form[aria-labelledby=hours-title]");
  await form.waitFor();
  assert.match(await form.locator("#time-zone option:checked").textContent(), /UTC\+03:00, no daylight saving/);
  await form.locator("#time-zone").selectOption("Europe/Moscow");
  await form.getByLabel("Take chats only in working hours").check();
  assert.equal(await form.locator("[role=group]").count(), 5, "Monday to Friday to start with");
  await form.locator("#hours-4-to").fill("17:00");
  await form.getByRole("button", { name: "Add a holiday" }).click();
  await form.locator("#hours-holiday-0").fill("2026-12-31");
  assert.deepEqual(await seriousViolations(page, "form[aria-labelledby=hours-title]"), []);
  await form.getByRole("button", { name: "Save" }).click();
  await form.locator("[role=status]").filter({ hasText: "Saved" }).waitFor();
  const saved = (await call(relay, "GET", "/api/v1/sites/demo/settings", owner.token)).json;
  assert.equal(saved.time_zone, "Europe/Moscow");
  assert.deepEqual(saved.hours.week.map((d) => [d.day, d.from, d.to]), [[1, "09:00", "18:00"], [2, "09:00", "18:00"], [3, "09:00", "18:00"], [4, "09:00", "18:00"], [5, "09:00", "17:00"]]);
  assert.deepEqual(saved.hours.holidays, ["2026-12-31"]);

  // A bad time is refused with the field named, nothing saved.
  await form.locator("#hours-0-from").fill("9am");
  await form.getByRole("button", { name: "Save" }).click();
  await form.locator("[role=status].error").filter({ hasText: "hours.week: expected HH:MM" }).waitFor();
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/settings", owner.token)).json.hours.week[0].from, "09:00");
  // The refused save is the one failed request.
  assert.deepEqual(page.errors.filter((e) => !e.includes("status of 400")), []);
  await page.context().close();

  // An operator cannot change the hours (nor anything else in the settings).
  const auth = { Authorization: `Bearer ${owner.token}` };
  const member = { name: "Olga", email: "olga@shop.test", password: "Olga-password-1", role: "operator" };
  assert.equal((await postJson(relay, "/api/v1/sites/demo/operators", member, auth)).status, 201);
  const olga = await signIn(relay, member);
  const refused = await putSettings(relay, olga.token, siteSettings({ hours: { week: allWeek, holidays: [] } }));
  assert.equal(refused.status, 403);
});
