// With a sender configured (EMAIL_FROM), queued e-mails go out through the `send_email`
// binding (wrangler dev's local emulation of it) and the outbox records them as sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import {
  relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, waitForMail,
} from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const fixture = relayFixture();
writeFileSync(fixture.envFile, readFileSync(fixture.envFile, "utf8") + "EMAIL_FROM=chat@shop.test\n");
let relay, session;
// Replies to a visitor who left wait this long (collecting the next ones) before they are mailed.
const REPLY_DELAY_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  relay = await startRelay(fixture, 8798, { REPLY_MAIL_DELAY_MS: String(REPLY_DELAY_MS) });
  session = await signIn(relay, await bootstrap(relay, fixture));
});
after(async () => relay && (await relay.stop()));

test("offline messages and transcripts are sent through the send_email binding", async () => {
  const settings = siteSettings({ offline: { hide_launcher: false, notify_email: "sales@shop.test" } });
  assert.equal((await putSettings(relay, session.token, settings)).status, 204);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(
    `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`,
  );
  socket.send({ type: "offline", client_id: "o1", contact: { name: "Ivan", email: "ivan@example.com" }, text: "Call me back" });
  socket.send({ type: "offline", client_id: "o1", contact: { name: "Ivan", email: "ivan@example.com" }, text: "Call me back" });
  socket.send({ type: "transcript", email: "ivan@example.com" });
  await socket.next((f) => f.type === "done" && f.command === "transcript");
  const offline = await waitForMail(relay, session.token, (m) => m.to === "sales@shop.test");
  assert.deepEqual(offline.delivery, { state: "sent" });
  assert.equal(offline.reply_to, "ivan@example.com", "answering from the mail client reaches the visitor");
  const transcript = await waitForMail(relay, session.token, (m) => m.to === "ivan@example.com");
  assert.deepEqual(transcript.delivery, { state: "sent" });
  assert.match(transcript.body, /Call me back/);
  const mails = await (await fetch(`${relay.origin}/api/v1/sites/demo/outbox`, { headers: { Authorization: `Bearer ${session.token}` } })).json();
  assert.equal(mails.filter((m) => m.to === "sales@shop.test").length, 1, "a retried offline message is e-mailed once");
  await socket.close();
});

const shopPage = { Origin: "https://shop.test" };

/** The shop with an offline address and its own origin, and a new visitor on one of its pages. */
async function shopVisitor() {
  const settings = siteSettings({
    offline: { hide_launcher: false, notify_email: "sales@shop.test" },
    allowed_origins: ["https://shop.test"],
  });
  assert.equal((await putSettings(relay, session.token, settings)).status, 204);
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {}, shopPage)).json;
  const url = `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`;
  return { settings, visitor, url };
}

test("an operator's replies to a visitor who left are mailed to him once, with the way back; not while he is on the page", async () => {
  const { settings, visitor, url: visitorUrl } = await shopVisitor();
  let socket = await openSocket(visitorUrl, shopPage);
  socket.send({ type: "source", source: { landing: "https://shop.test/tea?x=1#reviews", referrer: "", utm: {} } });
  socket.send({ type: "contact", contact: { name: "Olga", email: "olga@example.com" } });
  socket.send({ type: "send", client_id: "q1", text: "Is the green tea in stock?" });
  await socket.next((f) => f.type === "ack" && f.client_id === "q1");
  const operator = await openSocket(
    `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/operator-socket?token=${session.token}`,
  );
  const reply = async (client_id, text) => {
    operator.send({ type: "send", client_id, text });
    await operator.next((f) => f.type === "ack" && f.client_id === client_id);
  };
  const mailsToHer = async () =>
    (await (await fetch(`${relay.origin}/api/v1/sites/demo/outbox`, { headers: { Authorization: `Bearer ${session.token}` } })).json())
      .filter((m) => m.to === "olga@example.com");

  // On the page: she reads it there, nothing is mailed.
  await reply("r0", "Let me look");
  await socket.next((f) => f.type === "message" && f.message.text === "Let me look");
  await sleep(REPLY_DELAY_MS * 2.5);
  assert.equal((await mailsToHer()).length, 0, "nothing is mailed while she is on the page");

  // Gone: two replies in a row are one mail, after the delay.
  await socket.close();
  await sleep(300);
  await reply("r1", "Yes, 40 packs");
  await reply("r2", "Shall I reserve one?");
  operator.send({ type: "note", client_id: "n1", text: "VIP customer" });
  const mail = await waitForMail(relay, session.token, (m) => m.to === "olga@example.com", REPLY_DELAY_MS * 8);
  assert.equal(mail.subject, `New reply from ${settings.name}`);
  assert.equal(mail.reply_to, "sales@shop.test", "her answer by mail reaches the site's address");
  assert.match(mail.body, /Yes, 40 packs\n.*Shall I reserve one\?/s);
  assert.match(mail.body, /Continue the chat: https:\/\/shop\.test\/tea\?x=1#consultant-chat\n/);
  const [replies, rest] = mail.body.split("Continue the chat");
  assert.doesNotMatch(replies, /Let me look/, "what she saw on the page is context, not news");
  assert.match(rest, /Earlier in the chat:\n.*You: Is the green tea in stock\?\n.*Let me look/s);
  assert.doesNotMatch(mail.body, /VIP customer/, "a private note never reaches a visitor");
  await sleep(REPLY_DELAY_MS * 2);
  assert.equal((await mailsToHer()).length, 1, "one mail for the two replies");

  // Back before the delay is up: she reads the new reply on the page, no mail.
  await reply("r3", "Reserved for you");
  socket = await openSocket(visitorUrl, shopPage);
  await sleep(REPLY_DELAY_MS * 2.5);
  assert.equal((await mailsToHer()).length, 1, "a visitor who came back gets no mail");
  await socket.close();
  await operator.close();
});

test("a visitor cannot make the site's reply mail carry a link of his choosing", async () => {
  // A script, not a browser: it claims the shop's origin and a landing page elsewhere, and
  // gives someone else's address.
  const { visitor, url } = await shopVisitor();
  const socket = await openSocket(url, shopPage);
  socket.send({ type: "source", source: { landing: "https://shop.test.evil.test/win#prize", referrer: "", utm: {} } });
  socket.send({ type: "contact", contact: { email: "victim@example.com" } });
  socket.send({ type: "send", client_id: "q1", text: "Hello?" });
  await socket.next((f) => f.type === "ack" && f.client_id === "q1");
  await socket.close();
  const operator = await openSocket(
    `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/operator-socket?token=${session.token}`,
  );
  await sleep(300);
  operator.send({ type: "send", client_id: "r1", text: "Hi, how can I help?" });
  const mail = await waitForMail(relay, session.token, (m) => m.to === "victim@example.com", REPLY_DELAY_MS * 8);
  assert.match(mail.body, /Hi, how can I help\?/);
  assert.doesNotMatch(mail.body, /evil|Continue the chat/, "no link but to the site's own pages");
  await operator.close();
});
