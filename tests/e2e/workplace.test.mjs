// The operator's workplace on every screen size: no horizontal scrolling from 360 to 1920 px on
// any screen; the phone flow (one pane at a time, menu, back) and the desktop flow; addresses
// (Back/Forward, reload, a signed-out visit to a chat's address); the installable app's shell
// offline and its push handler; the unread count in the title; dark mode; axe at both widths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { relayFixture, startRelay, bootstrap, postJson, signIn, siteSettings, putSettings, ROOT } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, watchErrors, seriousViolations } from "../support/browser.mjs";

const PORT = 8834;
const SCREENSHOTS = join(ROOT, "docs/screenshots");
const fixture = relayFixture();
let relay, owner, browser, conversation;

const SCREENS = ["chats", "visitors", "history", "team", "replies", "reports", "settings", "account"];
const WIDTHS = [360, 390, 768, 1024, 1366, 1920];

async function visitorWrites(text) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const visitor = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await visitor.next((f) => f.type === "welcome");
  visitor.send({ type: "send", client_id: "q1", text });
  await visitor.next((f) => f.type === "ack");
  await visitor.close();
  return v.conversation;
}

before(async () => {
  relay = await startRelay(fixture, PORT);
  owner = await bootstrap(relay, fixture);
  // The chat stays unassigned, in the inbox's first view, whoever signs in.
  const settings = siteSettings({ contact_form: { mode: "never" }, routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, (await signIn(relay, owner)).token, settings)).status, 204);
  conversation = await visitorWrites("Do you ship teapots to Kazan? ".repeat(4));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

/** The first visitor's chat in the inbox (its preview changes once the operator replies). */
const firstChat = (page) => page.locator("button.conv").filter({ hasNotText: NEW_CHAT });
const NEW_CHAT = "A new chat while the operator looks elsewhere";

async function signedIn(width, height = 800, options = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...options });
  const page = await context.newPage();
  page.errors = watchErrors(page);
  await page.goto(`${relay.origin}/console/`);
  await page.fill("#email", owner.email);
  await page.fill("#password", owner.password);
  await page.click("button[type=submit]");
  await page.locator("nav.inbox").waitFor();
  // The chat may be the owner's by now (an operator who opens a chat may take it): all chats.
  await page.getByRole("button", { name: /^All/ }).click();
  return { context, page };
}

/** The page and every pane of the screen fit the width (a wide table may scroll inside itself). */
async function overflow(page) {
  return page.evaluate(() => {
    const wide = [];
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) wide.push(`page ${root.scrollWidth} > ${innerWidth}`);
    for (const el of document.querySelectorAll(".workspace, .topbar, .rail, .body, .body > *, .thread, .chat .card")) {
      if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) {
        wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    return wide;
  });
}

test("every screen fits every width from 360 to 1920 px, without horizontal scrolling", async () => {
  for (const width of WIDTHS) {
    const { context, page } = await signedIn(width);
    for (const screen of SCREENS) {
      await page.goto(`${relay.origin}/console/#/demo/${screen}`);
      await page.locator(`.body.${screen}`).waitFor();
      await page.waitForTimeout(150);
      assert.deepEqual(await overflow(page), [], `${screen} at ${width} px`);
    }
    await page.goto(`${relay.origin}/console/#/demo/chats/${conversation}`);
    await page.locator("#reply").waitFor();
    assert.deepEqual(await overflow(page), [], `an open chat at ${width} px`);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test("on a phone: menu, one pane at a time, reply, back; 44 px targets; axe clean, light and dark", async () => {
  const { context, page } = await signedIn(390, 844, { hasTouch: true, isMobile: true });
  const rail = page.locator("nav.rail");
  assert.equal(await rail.isVisible(), false, "the navigation waits behind the menu button");
  const menu = page.getByRole("button", { name: "Menu" });
  assert.ok((await menu.boundingBox()).height >= 44);
  assert.deepEqual(await seriousViolations(page), []);
  await page.screenshot({ path: join(SCREENSHOTS, "console-390.png") });

  await firstChat(page).click();
  await page.locator("#reply").waitFor();
  assert.equal(await page.locator("nav.inbox").isVisible(), false, "the chat replaces the inbox");
  assert.match(page.url(), new RegExp(`#/demo/chats/${conversation}$`));
  await page.fill("#reply", "Yes, in two days.");
  await page.keyboard.press("Enter");
  await page.locator(".msg.operator, .msg.mine", { hasText: "Yes, in two days." }).first().waitFor();
  const box = await page.locator("#reply").boundingBox();
  assert.ok(box.y + box.height <= 844, "the reply box is on screen");
  for (const target of await page.locator(".composer button, .chat-head a.back, .chat-head button").all()) {
    if (await target.isVisible()) assert.ok((await target.boundingBox()).height >= 44, await target.textContent());
  }
  await page.getByRole("button", { name: "Visitor details", exact: true }).click();
  assert.equal(await page.locator(".chat .card").isVisible(), true);
  assert.equal(await page.locator("#reply").isVisible(), false, "the card replaces the chat");
  await page.getByRole("button", { name: "Hide visitor details" }).click();
  await page.getByRole("link", { name: "Back to conversations" }).click();
  await page.locator("nav.inbox").waitFor();
  assert.equal(await page.locator("#reply").count(), 0);

  await menu.click();
  assert.equal(await rail.isVisible(), true);
  assert.deepEqual(await seriousViolations(page), [], "the open menu");
  await page.getByRole("link", { name: "Settings" }).click();
  assert.equal(await rail.isVisible(), false, "choosing a screen closes the menu");
  await page.locator(".body.settings").waitFor();
  await menu.click();
  await page.getByRole("link", { name: "Reports" }).click();
  await page.locator("dl.figures").waitFor();
  // At most 8 date labels on a phone, none on top of another.
  const ticks = await page.locator("figure.chart").first().locator(".tick").evaluateAll((all) =>
    all.filter((t) => t.offsetParent !== null).map((t) => { const r = t.getBoundingClientRect(); return [r.left, r.right]; }));
  assert.ok(ticks.length >= 2 && ticks.length <= 8, `${ticks.length} labels`);
  for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i][0] >= ticks[i - 1][1], "labels do not overlap");

  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`${relay.origin}/console/#/demo/chats`);
  await page.locator("nav.inbox").waitFor();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(13, 17, 23)", "the system's dark scheme");
  assert.deepEqual(await seriousViolations(page), [], "dark");
  await page.screenshot({ path: join(SCREENSHOTS, "console-390-dark.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a desktop: rail, inbox, chat and card side by side; the theme switch; the title counts", async () => {
  const { context, page } = await signedIn(1366, 800);
  const before = await page.evaluate(() => Number(/^\((\d+)\) /.exec(document.title)?.[1] ?? 0));
  await visitorWrites(NEW_CHAT);
  await page.waitForFunction((n) => document.title.startsWith(`(${n + 1}) `), before, { timeout: 10_000 });
  assert.match(await page.locator("link[rel=icon]").getAttribute("href"), /^data:image\/svg\+xml,.*<text/, "the favicon counts too");
  assert.equal(await page.locator("nav.rail").isVisible(), true);
  assert.deepEqual(await seriousViolations(page), []);
  await firstChat(page).click();
  await page.locator("#reply").waitFor();
  assert.equal(await page.locator("nav.inbox").isVisible(), true, "the inbox stays beside the chat");
  // Wide enough for the card: it is open from the start, and the button folds it away and back.
  const details = page.getByRole("button", { name: "Visitor details", exact: true });
  const card = page.locator(".chat .card");
  assert.equal(await details.getAttribute("aria-expanded"), "true");
  assert.equal(await card.isVisible(), true);
  await details.click();
  assert.equal(await details.getAttribute("aria-expanded"), "false");
  assert.equal(await card.isVisible(), false);
  await details.click();
  assert.equal(await card.isVisible(), true);
  assert.deepEqual(await seriousViolations(page), [], "an open chat with its card");
  await page.screenshot({ path: join(SCREENSHOTS, "console-1366.png") });

  await page.getByRole("link", { name: "My account" }).click();
  await page.selectOption("#theme", "dark");
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(13, 17, 23)");
  await page.reload();
  await page.locator(".body.account").waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "kept on this device");
  await page.getByRole("link", { name: "Conversations" }).click();
  await firstChat(page).click();
  await page.locator("#reply").waitFor();
  assert.deepEqual(await seriousViolations(page), [], "dark");
  await page.screenshot({ path: join(SCREENSHOTS, "console-1366-dark.png") });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("addresses: Back and Forward, reload keeps the place, a signed-out visit to a chat signs in and goes on there", async () => {
  const { context, page } = await signedIn(1366, 800);
  await firstChat(page).click();
  await page.locator("#reply").waitFor();
  await page.getByRole("link", { name: "Team" }).click();
  await page.locator(".body.team").waitFor();
  assert.match(page.url(), /#\/demo\/team$/);
  await page.goBack();
  await page.locator("#reply").waitFor();
  assert.match(page.url(), new RegExp(`#/demo/chats/${conversation}$`));
  await page.goForward();
  await page.locator(".body.team").waitFor();
  await page.goBack();
  await page.reload();
  await page.locator("#reply").waitFor();
  assert.match(page.url(), new RegExp(`#/demo/chats/${conversation}$`), "the chat is open again after a reload");
  // A chat's address for another site, or nonsense, opens nothing and breaks nothing.
  await page.goto(`${relay.origin}/console/#/other-shop/chats/${conversation}`);
  await page.locator("nav.inbox").waitFor();
  assert.equal(await page.locator("#reply").count(), 0);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.goto(`${relay.origin}/console/#/demo/chats/${conversation}`);
  await page.fill("#email", owner.email);
  await page.fill("#password", owner.password);
  await page.click("button[type=submit]");
  await page.locator("#reply").waitFor();
  assert.match(page.url(), new RegExp(`#/demo/chats/${conversation}$`));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the keyboard: ? lists the shortcuts; J and K move through the chats, R goes to the reply, A takes, Shift+C closes, / searches; no key is taken while typing", async () => {
  const KEYS_CHAT = "Which keys do your operators use?";
  await visitorWrites(KEYS_CHAT);
  const { context, page } = await signedIn(1366, 800);
  await page.locator("button.conv", { hasText: KEYS_CHAT }).waitFor();

  await page.keyboard.press("Shift+Slash");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Shift \+ C\s+Close the open chat/);
  assert.deepEqual(await seriousViolations(page), [], "the list of shortcuts");
  await page.keyboard.press("j");
  assert.equal(await page.locator("button.conv[aria-current=true]").count(), 0, "no shortcut behind the open dialog");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });

  const chats = page.locator("nav.inbox button.conv");
  assert.ok(await chats.count() >= 2);
  const current = () => chats.evaluateAll((all) => all.findIndex((c) => c.getAttribute("aria-current") === "true"));
  await page.keyboard.press("j");
  await page.waitForFunction(() => document.activeElement?.matches("button.conv[aria-current=true]"));
  assert.equal(await current(), 0, "J opens the first chat and focuses it in the list");
  await page.keyboard.press("j");
  await page.waitForFunction(() => document.querySelectorAll("button.conv")[1]?.getAttribute("aria-current") === "true");
  await page.keyboard.press("k");
  await page.waitForFunction(() => document.querySelectorAll("button.conv")[0]?.getAttribute("aria-current") === "true");

  await page.locator("button.conv", { hasText: KEYS_CHAT }).click();
  await page.locator(".assignment", { hasText: "Take the chat" }).waitFor();
  const address = page.url();
  await page.keyboard.press("r");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "reply");
  await page.keyboard.type("just k");
  assert.equal(await page.inputValue("#reply"), "just k", "letters typed into the reply stay there");
  assert.equal(page.url(), address, "and open no other chat");
  await page.locator("#reply").evaluate((reply) => reply.blur());

  await page.keyboard.press("a");
  await page.getByRole("button", { name: "Take the chat" }).waitFor({ state: "detached" });
  await page.keyboard.press("c");
  assert.equal(await page.getByRole("button", { name: "Close chat" }).isEnabled(), true, "C alone closes nothing");
  await page.keyboard.press("Shift+C");
  await page.waitForFunction(() => [...document.querySelectorAll(".chat-head button")].some((b) => b.textContent === "Close chat" && b.disabled));

  await page.keyboard.press("/");
  await page.locator(".body.history").waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "history-text");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the installable app: a manifest; the shell opens offline and says so; a push shows a notification that opens the chat", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.grantPermissions(["notifications"], { origin: relay.origin });
  const page = await context.newPage();
  await page.goto(`${relay.origin}/console/`);
  const manifest = await (await fetch(`${relay.origin}/console/manifest.webmanifest`)).json();
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.icons.some((i) => i.purpose === "maskable"));
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload(); // now controlled by the worker, which has the shell in its cache

  await context.setOffline(true);
  await page.reload();
  await page.locator("#email").waitFor();
  await page.locator(".offline-banner", { hasText: "No connection" }).waitFor();
  await context.setOffline(false);
  await page.locator(".offline-banner").waitFor({ state: "detached" });

  const cdp = await context.newCDPSession(page);
  const registrations = new Promise((resolve) => cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => resolve(e.registrations)));
  await cdp.send("ServiceWorker.enable");
  const [registration] = await registrations;
  const url = `#/demo/chats/${conversation}`;
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin: relay.origin,
    registrationId: registration.registrationId,
    data: JSON.stringify({ title: "New chat", body: "Do you ship teapots?", url, tag: conversation }),
  });
  // Polled here: `waitForFunction` takes an async predicate's promise itself as its answer, so
  // under load it could return before the worker showed the notification.
  let shown = null;
  for (const deadline = Date.now() + 10000; !shown && Date.now() < deadline; ) {
    shown = await page.evaluate(async () => {
      const all = await (await navigator.serviceWorker.ready).getNotifications();
      return all.length ? all.map((n) => ({ title: n.title, body: n.body, url: n.data.url })) : null;
    });
    if (!shown) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(shown, [{ title: "New chat", body: "Do you ship teapots?", url }]);
  await context.close();
});
