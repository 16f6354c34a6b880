// Accounts and roles: who may add and remove operators, and what removing one does at once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson } from "../support/relay.mjs";
import { refusedWith } from "../support/socket.mjs";
import { launchBrowser, seriousViolations, watchErrors } from "../support/browser.mjs";

const fixture = relayFixture();
let relay, owner, ownerSession;

const call = async (method, path, token, body) => {
  const response = await fetch(`${relay.origin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
};
const team = "/api/v1/sites/demo/operators";
const member = (name, role) => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role });

before(async () => {
  relay = await startRelay(fixture, 8799);
  owner = await bootstrap(relay, fixture);
  ownerSession = await signIn(relay, owner);
});
after(async () => relay && (await relay.stop()));

test("who may add whom: the owner makes admins, admins add operators, operators add no one", async () => {
  const admin = await call("POST", team, ownerSession.token, member("Alla", "admin"));
  assert.equal(admin.status, 201, JSON.stringify(admin.json));
  assert.equal(admin.json.role, "admin");
  const alla = await signIn(relay, { email: "alla@shop.test", password: "Alla-password-1" });

  assert.equal((await call("POST", team, alla.token, member("Oleg", "operator"))).status, 201);
  assert.equal((await call("POST", team, alla.token, member("Ada", "admin"))).json.message, "only the owner makes admins");
  const oleg = await signIn(relay, { email: "oleg@shop.test", password: "Oleg-password-1" });
  assert.equal((await call("POST", team, oleg.token, member("Pyotr", "operator"))).status, 403);

  assert.equal((await call("POST", team, undefined, member("Anon", "operator"))).status, 401);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  assert.equal((await call("POST", team, visitor.token, member("Vis", "operator"))).status, 403);
  assert.equal((await call("POST", team, ownerSession.token, member("Oleg", "operator"))).status, 409);
  assert.equal((await call("POST", team, ownerSession.token, { ...member("Bad", "operator"), email: "bad" })).status, 400);
  assert.equal((await call("POST", team, ownerSession.token, { ...member("Short", "operator"), password: "x" })).status, 400);
  assert.equal((await call("POST", team, ownerSession.token, member("Second", "owner"))).status, 400);
  assert.equal((await call("POST", team, ownerSession.token, "{nope")).status, 400);

  const list = await call("GET", team, oleg.token);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.map((o) => [o.name, o.role]).sort(), [["Alla", "admin"], ["Anna Petrova", "owner"], ["Oleg", "operator"]]);
});

test("removing: admins remove operators, only the owner removes admins, nobody removes the owner or himself", async () => {
  const list = (await call("GET", team, ownerSession.token)).json;
  const id = (name) => list.find((o) => o.name === name).id;
  const alla = await signIn(relay, { email: "alla@shop.test", password: "Alla-password-1" });
  const oleg = await signIn(relay, { email: "oleg@shop.test", password: "Oleg-password-1" });

  assert.equal((await call("DELETE", `${team}/${id("Alla")}`, oleg.token)).status, 403);
  assert.equal((await call("DELETE", `${team}/${id("Anna Petrova")}`, alla.token)).status, 403);
  assert.equal((await call("DELETE", `${team}/${id("Alla")}`, alla.token)).status, 403, "not himself");
  assert.equal((await call("DELETE", `${team}/nobody`, alla.token)).status, 404);

  // Before: Oleg works. After removal: no sign-in, and his live token stops working at once.
  const inbox = (token) => `${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${token}`;
  assert.equal(await refusedWith(inbox(oleg.token)), 101);
  assert.equal((await call("DELETE", `${team}/${id("Oleg")}`, alla.token)).status, 204);
  assert.equal((await postJson(relay, "/api/v1/auth/sign-in", { email: "oleg@shop.test", password: "Oleg-password-1" })).status, 401);
  assert.equal(await refusedWith(inbox(oleg.token)), 401);
  assert.equal((await call("GET", "/api/v1/sites/demo/settings", oleg.token)).status, 401);

  // His record stays, marked removed.
  const after = (await call("GET", team, ownerSession.token)).json;
  assert.equal(after.find((o) => o.name === "Oleg").removed, true);

  assert.equal((await call("DELETE", `${team}/${id("Alla")}`, ownerSession.token)).status, 204);
  assert.equal((await call("GET", team, alla.token)).status, 401);
});

test("in the console the owner adds an operator, who then signs in without team powers", async () => {
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    const errors = watchErrors(page);
    await page.goto(`${relay.origin}/console/`);
    await page.fill("#email", owner.email);
    await page.fill("#password", owner.password);
    await page.click("button[type=submit]");
    await page.getByRole("link", { name: "Team" }).click();
    await page.getByRole("cell", { name: "Anna Petrova", exact: true }).waitFor();
    await page.fill("#op-name", "Vera");
    await page.fill("#op-email", "vera@shop.test");
    await page.fill("#op-password", "short");
    await page.click(".add-operator button[type=submit]");
    await page.getByRole("alert").filter({ hasText: "password must have at least 8 characters" }).waitFor();
    await page.fill("#op-password", "Vera-password-1");
    await page.click(".add-operator button[type=submit]");
    await page.locator(".team td", { hasText: "vera@shop.test" }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();

    await page.fill("#email", "vera@shop.test");
    await page.fill("#password", "Vera-password-1");
    await page.click("button[type=submit]");
    await page.getByRole("link", { name: "Team" }).click();
    await page.locator(".team td", { hasText: "Vera" }).first().waitFor();
    assert.equal(await page.locator(".add-operator").count(), 0, "operators do not manage the team");
    assert.equal(await page.getByRole("button", { name: /^Remove/ }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test("a new visitor message while the console tab is hidden raises a desktop notification (through the service worker, as Android needs)", async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    await context.grantPermissions(["notifications"], { origin: relay.origin });
    // The tab is in the background.
    await context.addInitScript(() => {
      Object.defineProperty(document, "hidden", { get: () => true });
    });
    const page = await context.newPage();
    await page.goto(`${relay.origin}/console/`);
    await page.fill("#email", owner.email);
    await page.fill("#password", owner.password);
    await page.click("button[type=submit]");
    await page.locator("nav.inbox").waitFor();
    // The worker takes the page over once installed (clients.claim).
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // waitForFunction takes a promise for a truthy answer, so poll with evaluate instead.
    const shown = async (title) => {
      for (let tries = 0; tries < 100; tries++) {
        const found = await page.evaluate(async (title) => {
          const all = await (await navigator.serviceWorker.ready).getNotifications();
          const found = all.find((n) => n.title === title);
          return found ? { title: found.title, body: found.body } : null;
        }, title);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return null;
    };

    const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
    const { openSocket } = await import("../support/socket.mjs");
    const socket = await openSocket(
      `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`,
    );
    socket.send({ type: "send", client_id: "n1", text: "Is anybody there?" });
    assert.deepEqual(await shown("New chat"), { title: "New chat", body: "Is anybody there?" });
    socket.send({ type: "send", client_id: "n2", text: "Hello?" });
    assert.deepEqual(await shown("New message"), { title: "New message", body: "Hello?" });
    await socket.close();
  } finally {
    await browser.close();
  }
});
