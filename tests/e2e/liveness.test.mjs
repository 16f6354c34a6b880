// A connection that dies without a goodbye (lid closed, Wi-Fi switched, a proxy drops it)
// looks open to the browser for minutes. The relay answers heartbeat pings on every socket
// without waking its rooms; the widget asks when its socket has been quiet, declares it dead
// when no answer comes, reconnects and catches up — nothing written meanwhile is lost.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, postJson } from "../support/relay.mjs";
import WebSocket from "ws";
import { openSocket, ticketUrl } from "../support/socket.mjs";
import { launchBrowser, watchErrors } from "../support/browser.mjs";
import { startShop } from "../support/shop-server.mjs";

const RELAY_PORT = 8828;
const SHOP_PORT = 8829;
const fixture = relayFixture();
let relay, shop, browser, session, inbox;

before(async () => {
  relay = await startRelay(fixture, RELAY_PORT);
  session = await signIn(relay, await bootstrap(relay, fixture));
  shop = await startShop(SHOP_PORT, relay.origin);
  browser = await launchBrowser();
  // An operator online (his inbox open), so the widget offers the chat, not the offline form.
  inbox = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/inbox-socket?token=${session.token}`);
});

after(async () => {
  await inbox?.close();
  await browser?.close();
  await shop?.stop();
  await relay?.stop();
});

test("every socket of the relay answers a heartbeat ping", async () => {
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const base = `${relay.wsOrigin}/api/v1/sites/demo`;
  const sockets = {
    visitor: `${base}/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`,
    operator: `${base}/conversations/${visitor.conversation}/operator-socket?token=${session.token}`,
    inbox: `${base}/inbox-socket?token=${session.token}`,
    presence: `${base}/presence-socket?key=${"h".repeat(20)}&token=${visitor.token}`,
  };
  for (const [kind, url] of Object.entries(sockets)) {
    const ws = new WebSocket(await ticketUrl(url));
    await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
    const answer = new Promise((resolve, reject) => {
      ws.on("message", (data) => String(data) === "pong" && resolve());
      setTimeout(() => reject(new Error(`${kind} socket: no pong within 5 s`)), 5000);
    });
    ws.send("ping");
    await answer;
    ws.close();
  }
});

test("the widget notices a silently dead connection, reconnects and loses nothing either way", async () => {
  const page = await (await browser.newContext()).newPage();
  const errors = watchErrors(page);
  // Fake timers that run at normal speed until told to jump: the heartbeat's 25 s of silence
  // and 10 s of waiting for an answer then take no real time.
  await page.clock.install();
  // The first visitor socket goes dead after the greeting: it stays open but nothing passes
  // either way (as with a dead network). Later sockets work.
  let connections = 0;
  let frozen = false;
  let conversation;
  await page.routeWebSocket(/\/visitor-socket/, (ws) => {
    conversation = /\/conversations\/([^/]+)\/visitor-socket/.exec(ws.url())[1];
    const first = connections++ === 0;
    const server = ws.connectToServer();
    ws.onMessage((frame) => (first && frozen ? undefined : server.send(frame)));
    server.onMessage((frame) => (first && frozen ? undefined : ws.send(frame)));
  });
  await page.goto(`${shop.origin}/pricing.html`);
  const inWidget = (selector) => page.locator(`consultant-widget >> ${selector}`);
  await inWidget("button.launcher").click();
  const input = inWidget("textarea#cw-input");
  await input.fill("Hello, is anyone there?");
  await input.press("Enter");
  const log = inWidget("ol.log");
  await log.locator("li.visitor:not(.pending)", { hasText: "anyone there" }).waitFor();
  assert.equal(connections, 1);

  const operator = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/operator-socket?token=${session.token}`);
  await operator.next((f) => f.type === "welcome");

  frozen = true;
  // Both sides write while the connection is dead.
  operator.send({ type: "send", client_id: "op-during-freeze", text: "Yes, I am here. How can I help?" });
  await operator.next((f) => f.type === "ack");
  await input.fill("I need a red teapot.");
  await input.press("Enter");
  await log.locator("li.visitor.pending", { hasText: "red teapot" }).waitFor();

  // 25 s of silence: the widget pings; 10 s more without an answer: it gives up on the socket.
  await page.clock.fastForward(26_000);
  await page.clock.fastForward(11_000);
  // Reconnecting waits its backoff (under a second for the first attempt).
  await page.clock.fastForward(1_000);
  await log.locator("li.operator", { hasText: "How can I help?" }).waitFor({ timeout: 10_000 });
  await log.locator("li.visitor:not(.pending)", { hasText: "red teapot" }).waitFor({ timeout: 10_000 });
  assert.equal(connections, 2, "one new connection replaced the dead one");
  const received = await operator.next((f) => f.type === "message" && f.message.text === "I need a red teapot.");
  assert.equal(received.message.author.kind, "visitor");
  assert.equal(await log.locator("li", { hasText: "red teapot" }).count(), 1, "shown once");
  await operator.close();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a socket that answers stays: no reconnect for a quiet but live connection", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.clock.install();
  let connections = 0;
  await page.routeWebSocket(/\/visitor-socket/, (ws) => {
    connections++;
    ws.connectToServer();
  });
  await page.goto(`${shop.origin}/pricing.html`);
  await page.locator("consultant-widget >> button.launcher").click();
  const input = page.locator("consultant-widget >> textarea#cw-input");
  await input.fill("Just looking.");
  await input.press("Enter");
  await page.locator("consultant-widget >> li.visitor:not(.pending)", { hasText: "Just looking." }).waitFor();
  for (let minute = 0; minute < 6; minute++) {
    await page.clock.fastForward(26_000);
    await page.waitForTimeout(200); // the ping goes out and the pong comes back in real time
    await page.clock.fastForward(11_000);
  }
  assert.equal(connections, 1);
  await page.context().close();
});
