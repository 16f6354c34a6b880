// The console's settings screen: owners and admins configure what the widget does (and the
// widget follows), routing, masking and the ban list; operators have no settings screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson } from "../support/relay.mjs";
import { openSocket, refusedWith } from "../support/socket.mjs";
import { launchBrowser, watchErrors, seriousViolations, consoleAs as signedInConsole } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const fixture = relayFixture();
let relay, shop, browser, owner, session;

const api = async (method, path, token, body) => {
  const response = await fetch(`${relay.origin}/api/v1/sites/demo${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
};
const settingsNow = async () => (await api("GET", "/settings", session.token)).json;

const consoleAs = (account) => signedInConsole(browser, relay, account);

async function openSettings(page) {
  await page.getByRole("link", { name: "Settings" }).click();
  await page.locator("form#general-title, form[aria-labelledby=general-title]").waitFor();
}

/** Clicks the section's Save and waits for its verdict. */
async function save(page, section) {
  const form = page.locator(`form[aria-labelledby=${section}-title]`);
  await form.getByRole("button", { name: "Save" }).click();
  const status = form.locator("[role=status]");
  await status.filter({ hasText: /./ }).waitFor();
  return (await status.textContent()).trim();
}

before(async () => {
  relay = await startRelay(fixture, 8801);
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
  assert.equal((await putSettings(relay, session.token, siteSettings({ departments: [] }))).status, 204);
  shop = await startShop(8802, relay.origin);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("the owner words the widget, themes it and asks for contacts before the chat; the widget follows", async () => {
  const page = await consoleAs(owner);
  await openSettings(page);
  await page.fill("#accent", "#aa3300");
  await page.fill("#launcher-label", "Ask a tea master");
  assert.equal(await save(page, "appearance"), "Saved");
  await page.fill("#greeting", "Добрый день! Чайный мастер на связи.");
  assert.equal(await save(page, "texts"), "Saved");
  await page.selectOption("#form-mode", "before");
  await page.selectOption("#form-email", "required");
  await page.getByRole("button", { name: "Add a field" }).click();
  await page.getByLabel("Field label").fill("Order number");
  assert.equal(await save(page, "contact-form"), "Saved");

  const stored = await settingsNow();
  assert.equal(stored.theme.accent_color, "#aa3300");
  assert.equal(stored.theme.launcher_label, "Ask a tea master");
  assert.equal(stored.texts.greeting, "Добрый день! Чайный мастер на связи.");
  assert.equal(stored.contact_form.mode, "before");
  assert.equal(stored.contact_form.email, "required");
  assert.deepEqual(stored.contact_form.custom.map((f) => [f.label, f.required]), [["Order number", false]]);
  assert.ok(stored.triggers.length === 0 && stored.canned_replies.length > 0, "other sections untouched");

  // The visitor's widget on the shop shows all of it.
  const visitor = await (await browser.newContext()).newPage();
  visitor.errors = watchErrors(visitor);
  await visitor.goto(`${shop.origin}/index.html`);
  await visitor.waitForFunction(() => window.Consultant.getState().ready);
  const launcher = visitor.locator("consultant-widget >> button.launcher");
  await launcher.locator(".label", { hasText: "Ask a tea master" }).waitFor();
  assert.match(await launcher.getAttribute("aria-label"), /Ask a tea master/);
  await launcher.click();
  await visitor.locator("consultant-widget >> li.greeting", { hasText: "Чайный мастер на связи" }).waitFor();
  await visitor.locator("consultant-widget >> label", { hasText: "Order number" }).waitFor();
  assert.deepEqual(visitor.errors, []);
  await visitor.context().close();

  // Departments: added here, offered to visitors, and kept out of routing once removed.
  await page.getByRole("button", { name: "Add a department" }).click();
  await page.getByLabel("Department name").fill("Wholesale");
  assert.equal(await save(page, "departments"), "Saved");
  const [wholesale] = (await settingsNow()).departments;
  assert.equal(wholesale.name, "Wholesale");
  const config = await (await fetch(`${relay.origin}/api/v1/sites/demo/widget-config`)).json();
  assert.deepEqual(config.departments, [wholesale]);
  assert.equal(config.theme.accent_color, "#aa3300");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a broken rule is caught before saving; the relay's reason is shown; good rules are stored", async () => {
  const page = await consoleAs(owner);
  await openSettings(page);
  await page.getByRole("button", { name: "Add a rule" }).click();
  await page.getByText("Edit as JSON (advanced)").click();
  const text = page.getByLabel("Rule as JSON");
  const rule = JSON.parse(await text.inputValue());
  assert.equal(rule.enabled, false, "a new rule starts switched off");

  await text.fill("{ not json");
  await text.blur();
  assert.equal(await text.getAttribute("aria-invalid"), "true");
  assert.match(await save(page, "triggers"), /key must be a string|expected/);
  assert.deepEqual((await settingsNow()).triggers, [], "nothing stored");

  // Parses, but an invitation needs a text: the relay says which field.
  await text.fill(JSON.stringify(rule));
  await text.blur();
  assert.match(await save(page, "triggers"), /triggers\.invite\.text/);

  rule.actions[0].text = "Need a wholesale quote?";
  rule.actions[0].operator_name = "Anna";
  await text.fill(JSON.stringify(rule));
  await text.blur();
  await page.getByLabel(`On: ${rule.id}`).check();
  assert.equal(await save(page, "triggers"), "Saved");
  const [stored] = (await settingsNow()).triggers;
  assert.equal(stored.enabled, true);
  assert.equal(stored.actions[0].text, "Need a wholesale quote?");
  await page.context().close();
});

test("the visual rule editor: conditions and actions picked and filled in by keyboard, in step with the JSON; in Russian too", async () => {
  assert.equal((await putSettings(relay, session.token, siteSettings({ departments: [{ id: "sales", name: "Sales" }] }))).status, 204);
  const page = await consoleAs(owner);
  await openSettings(page);
  await page.getByRole("button", { name: "Add a rule" }).click();
  const rule = page.locator(".rule").last();
  const id = (await rule.locator("input[type=checkbox]").first().getAttribute("id")).replace(/-enabled$/, "");
  // The template: 30 seconds on the page, then an invitation.
  assert.equal(await rule.locator(".rule-row").first().getByLabel("At least", { exact: true }).inputValue(), "30");
  // Conditions: the page's address, by keyboard.
  await rule.getByRole("button", { name: "Add a condition" }).click();
  const second = rule.locator(".rule-row").nth(1);
  await second.getByLabel("Condition").selectOption("url");
  await second.getByLabel("How it matches").selectOption("starts_with");
  await second.getByLabel("Text", { exact: true }).fill("/pricing");
  await second.getByLabel("Does not match (the opposite)").check();
  await rule.getByRole("button", { name: "Add a condition" }).click();
  const third = rule.locator(".rule-row").nth(2);
  await third.getByLabel("Condition").selectOption("weekday");
  await third.getByLabel("Sat").check();
  await third.getByLabel("Mon").uncheck();
  // The invitation's fields, and the department it sends the chat to.
  const action = rule.locator(".rule-row").nth(3);
  await action.getByLabel("Invitation text").fill("Questions about prices?");
  await action.getByLabel("Shown as from (name)").fill("Anna");
  await action.getByLabel("Department the chat goes to").selectOption("sales");
  await rule.getByRole("button", { name: "Add an action" }).click();
  await rule.locator(".rule-row").nth(4).getByLabel("Action").selectOption("hide_widget");
  await rule.getByRole("button", { name: "Remove Hide the widget" }).click();
  // The JSON view shows the same rule.
  await rule.getByText("Edit as JSON (advanced)").click();
  const shown = JSON.parse(await rule.getByLabel("Rule as JSON").inputValue());
  assert.deepEqual(shown.conditions, [
    { if: "seconds_on_page", at_least: 30 },
    { if: "url", pattern: { kind: "starts_with", value: "/pricing", negate: true } },
    { if: "weekday", days: [2, 3, 4, 5, 6] },
  ]);
  assert.deepEqual(shown.actions, [{ do: "invite", text: "Questions about prices?", operator_name: "Anna", avatar_url: null, department: "sales" }]);
  // A change in the JSON shows in the pickers.
  shown.conditions[0].at_least = 45;
  await rule.getByLabel("Rule as JSON").fill(JSON.stringify(shown));
  await rule.getByLabel("Rule as JSON").blur();
  assert.equal(await rule.locator(".rule-row").first().getByLabel("At least", { exact: true }).inputValue(), "45");
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel(`On: ${id}`).check();
  assert.equal(await save(page, "triggers"), "Saved");
  const stored = (await settingsNow()).triggers.find((r) => r.id === id);
  assert.equal(stored.enabled, true);
  assert.equal(stored.conditions[1].pattern.value, "/pricing");
  assert.equal(stored.actions[0].department, "sales");
  // In Russian.
  await page.getByRole("button", { name: "Русский" }).click();
  await rule.getByText("Когда выполнены все условия").waitFor();
  assert.equal(await rule.locator(".rule-row").first().getByLabel("Не меньше", { exact: true }).inputValue(), "45");
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  assert.equal((await putSettings(relay, session.token, siteSettings())).status, 204);
});

test("routing and masking: limits per operator; only the owner changes masking", async () => {
  const admin = { name: "Alla", email: "alla@shop.test", password: "Alla-password-1", role: "admin" };
  assert.equal((await api("POST", "/operators", session.token, admin)).status, 201);
  const page = await consoleAs(admin);
  await openSettings(page);
  await page.getByLabel("Assign new chats to operators automatically").uncheck();
  await page.fill("#max-chats", "4");
  await page.getByLabel("Most chats at once — Alla").fill("2");
  assert.equal(await save(page, "routing"), "Saved");
  const routing = (await settingsNow()).routing;
  assert.equal(routing.auto_assign, false);
  assert.equal(routing.max_chats, 4);
  assert.equal(routing.operators.find((o) => o.max_chats === 2)?.departments.length, 0);

  // The admin's masking switches are disabled, and the relay refuses the change anyway.
  assert.equal(await page.getByLabel("Hide from admins").isDisabled(), true);
  const alla = await signIn(relay, admin);
  const masked = { ...(await settingsNow()), masking: { operators: true, admins: false } };
  const refused = await api("PUT", "/settings", alla.token, masked);
  assert.equal(refused.status, 403);
  assert.equal(refused.json.message, "only the owner changes contact masking");
  assert.equal((await api("PUT", "/settings", session.token, masked)).status, 204);
  assert.equal((await api("PUT", "/settings", alla.token, await settingsNow())).status, 204, "unchanged masking is fine");
  await page.context().close();
});

test("the ban list: a visitor's ban and his address's are lifted each on its own; admins ban addresses and ranges by hand", async () => {
  // No department to choose, no form to fill: the visitor may write at once.
  assert.equal((await putSettings(relay, session.token, siteSettings({ departments: [] }))).status, 204);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitorSocket = `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`;
  const own = await openSocket(visitorSocket);
  await own.next((f) => f.type === "welcome");
  own.send({ type: "send", client_id: "s1", text: "buy cheap watches" });
  await own.next((f) => f.type === "ack");
  const op = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/operator-socket?token=${session.token}`);
  await op.next((f) => f.type === "welcome");
  op.send({ type: "ban" });
  await op.next((f) => f.type === "done" && f.command === "ban");
  await op.close();
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status, 403);

  const page = await consoleAs(owner);
  await openSettings(page);
  const section = page.locator("section[aria-labelledby=bans-title]");
  const row = section.locator("tbody tr");
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /127\.0\.0\.1.*Anna Petrova/);
  // The address is a shared one (an office): its ban goes, his stays.
  await row.getByRole("button", { name: /^Lift the IP ban/ }).click();
  await row.getByRole("button", { name: /^Unban/ }).waitFor();
  assert.doesNotMatch(await row.textContent(), /127\.0\.0\.1/);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status < 300, true, "others at the address chat again");
  assert.equal(await refusedWith(visitorSocket), 403, "he does not");
  await row.getByRole("button", { name: /^Unban/ }).click();
  await section.getByText("Nobody is banned.").waitFor();

  // By hand: a typo that would ban a sixteenth of the internet is refused, a range is taken.
  const address = section.getByLabel("IP address or range, e.g. 203.0.113.0/24");
  await address.fill("10.0.0.0/4");
  await section.getByRole("button", { name: "Ban", exact: true }).click();
  await section.locator("[role=alert]", { hasText: "at most /8" }).waitFor();
  await address.fill("127.0.0.9/8");
  await section.getByRole("button", { name: "Ban", exact: true }).click();
  await row.filter({ hasText: "127.0.0.0/8" }).waitFor();
  assert.match(await row.textContent(), /Anna Petrova/);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status, 403, "every address of the range");
  assert.deepEqual(await seriousViolations(page, "section[aria-labelledby=bans-title]"), []);

  // Only owners and admins ban or lift bans.
  const rita = { name: "Rita", email: "rita.bans@shop.test", password: "Rita-password-1", role: "operator" };
  assert.equal((await api("POST", "/operators", session.token, rita)).status, 201);
  const ritaSession = await signIn(relay, rita);
  assert.equal((await api("POST", "/bans", ritaSession.token, { ip: "198.51.100.0/24" })).status, 403);
  const [rangeBan] = (await api("GET", "/bans", session.token)).json;
  assert.equal((await api("DELETE", `/bans/${rangeBan.id}`, ritaSession.token)).status, 403);
  assert.equal((await api("DELETE", `/bans/${rangeBan.id}?part=everything`, session.token)).status, 400);

  await row.getByRole("button", { name: /^Unban/ }).click();
  await section.getByText("Nobody is banned.").waitFor();
  assert.deepEqual((await api("GET", "/bans", session.token)).json, []);
  assert.equal((await postJson(relay, "/api/v1/sites/demo/visitors", {})).status < 300, true);
  // The browser logs the refused range's 400; nothing else went wrong.
  assert.deepEqual(page.errors.filter((e) => !/status of 400/.test(e)), []);
  await page.context().close();
});

test("webhooks in the console: an endpoint with chosen events, its secret, the delivery log, removal", async () => {
  const page = await consoleAs(owner);
  await openSettings(page);
  const section = page.locator("section[aria-labelledby=webhooks-title]");
  await section.getByText("No webhooks yet.").waitFor();
  // Nothing listens on port 9: the delivery fails and the log says so.
  await section.getByLabel("Endpoint URL (https://)").fill("http://127.0.0.1:9/hook");
  for (const unwanted of ["Chat accepted", "Chat finished", "Offline message", "Chat rated", "Alert: low rating", "Alert: nobody online"]) {
    await section.getByRole("checkbox", { name: new RegExp(`^${unwanted}`) }).uncheck();
  }
  await section.getByRole("button", { name: "Add webhook" }).click();
  const secret = section.getByLabel("Signing secret");
  await secret.waitFor();
  assert.match(await secret.inputValue(), /^whsec_/);
  assert.match(await section.locator("li.webhook").textContent(), /Chat started(?!,)/);
  const [hook] = (await api("GET", "/webhooks", session.token)).json;
  assert.deepEqual(hook.events, ["chat.started"]);

  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: "w1", text: "Hello" });
  await visitor.next((f) => f.type === "ack");
  await visitor.close();
  const row = section.locator("table.deliveries tbody tr", { hasText: "could not connect" });
  for (let i = 0; i < 50 && !(await row.count()); i++) {
    await section.getByRole("button", { name: "Refresh" }).click();
    await page.waitForTimeout(200);
  }
  assert.match(await row.first().textContent(), /Chat started.*127\.0\.0\.1:9\/hook.*1.*next try/);

  await section.getByRole("button", { name: "Remove http://127.0.0.1:9/hook" }).click();
  await section.getByText("No webhooks yet.").waitFor();
  assert.deepEqual((await api("GET", "/webhooks", session.token)).json, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("API keys in the console: created with a name and shown once, listed without the key, revoked", async () => {
  const page = await consoleAs(owner);
  await openSettings(page);
  const section = page.locator("section[aria-labelledby=api-keys-title]");
  await section.getByText("No API keys yet.").waitFor();
  await section.getByLabel("Key name (what it is for)").fill("CRM sync");
  await section.getByRole("button", { name: "Create key" }).click();
  const shown = section.getByLabel("Your new key (copy it now, it is not shown again)");
  await shown.waitFor();
  const key = await shown.inputValue();
  assert.match(key, /^ck_/);
  const rest = await fetch(`${relay.origin}/api/rest/v1/sites/demo/conversations`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(rest.status, 200, "the key works");
  const row = section.locator("tbody tr", { hasText: "CRM sync" });
  await row.waitFor();
  assert.ok(!(await row.textContent()).includes(key.slice(10)), "the list shows only the key's start");
  await row.getByRole("button", { name: "Revoke CRM sync" }).click();
  await section.getByText("No API keys yet.").waitFor();
  const after = await fetch(`${relay.origin}/api/rest/v1/sites/demo/conversations`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(after.status, 401, "revoked at once");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("operators have no settings screen; the screen is accessible and in Russian", async () => {
  const operator = { name: "Oleg", email: "oleg@shop.test", password: "Oleg-password-1", role: "operator" };
  assert.equal((await api("POST", "/operators", session.token, operator)).status, 201);
  const opPage = await consoleAs(operator);
  assert.equal(await opPage.getByRole("link", { name: "Settings" }).count(), 0);
  await opPage.context().close();

  const page = await consoleAs(owner);
  await openSettings(page);
  assert.deepEqual(await seriousViolations(page), []);
  await page.screenshot({ path: join(ROOT, "docs/screenshots/settings.png") });
  await page.getByRole("button", { name: "Русский", exact: true }).click();
  await page.getByRole("heading", { name: "Настройки" }).waitFor();
  await page.getByRole("heading", { name: "Скрытие контактов" }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
