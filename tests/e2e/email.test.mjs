// With a sender configured (EMAIL_FROM), queued e-mails go out through the `send_email`
// binding (wrangler dev's local emulation of it) and the outbox records them as sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import {
  relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, waitForMail,
} from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, seriousViolations, consoleAs } from "../support/browser.mjs";

const fixture = relayFixture();
// Visitors' answers come back through reply+…@ this domain (Email Routing on Cloudflare;
// wrangler's /cdn-cgi/handler/email here).
const REPLY_DOMAIN = "mail.shop.test";
writeFileSync(
  fixture.envFile,
  readFileSync(fixture.envFile, "utf8") + `EMAIL_FROM=chat@shop.test\nEMAIL_REPLY_DOMAIN=${REPLY_DOMAIN}\n`,
);
let relay, session, owner, browser;
// Replies to a visitor who left wait this long (collecting the next ones) before they are mailed.
const REPLY_DELAY_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  relay = await startRelay(fixture, 8798, { REPLY_MAIL_DELAY_MS: String(REPLY_DELAY_MS) });
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
});
after(async () => {
  await browser?.close();
  await relay?.stop();
});

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
  // Each mail is stored first, then sent: wait for the outcome.
  const offline = await waitForMail(relay, session.token, (m) => m.to === "sales@shop.test" && m.delivery.state !== "queued");
  assert.deepEqual(offline.delivery, { state: "sent" });
  assert.equal(offline.reply_to, "ivan@example.com", "answering from the mail client reaches the visitor");
  const transcript = await waitForMail(relay, session.token, (m) => m.to === "ivan@example.com" && m.delivery.state !== "queued");
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
  assert.match(mail.reply_to, /^reply\+demo\.[^@]+@mail\.shop\.test$/, "her answer by mail comes back into the chat");
  assert.match(mail.body, /To answer, simply reply to this e-mail/);
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

/** A visitor's answer to a reply mail, as her mail client writes it: new text on top, the
 * mail she answers quoted below, a signature, a PDF and her signature's inline logo. */
function answerMail(to, messageId) {
  return [
    "From: Olga <olga@example.com>",
    `To: ${to}`,
    "Subject: Re: New reply",
    `Message-ID: <${messageId}@example.com>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="mix"',
    "",
    "--mix",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Yes, please reserve one. Спасибо!",
    "",
    "-- ",
    "Olga, Kazan",
    "",
    `On Mon, 7 Dec 2026 at 10:00, Tea Shop <${to}> wrote:`,
    "> Shall I keep a pack for you?",
    "--mix",
    "Content-Type: image/png",
    "Content-ID: <logo>",
    "Content-Disposition: inline",
    "Content-Transfer-Encoding: base64",
    "",
    "iVBORw0KGgo=",
    "--mix",
    'Content-Type: application/pdf; name="order.pdf"',
    'Content-Disposition: attachment; filename="order.pdf"',
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from("%PDF-1.4\nmy order\n").toString("base64"),
    "--mix--",
    "",
  ].join("\r\n");
}

/** Mail handed to the relay as Email Routing would: wrangler's local handler of `email()`. */
async function deliverMail(to, raw, from = "olga@example.com") {
  const url = `${relay.origin}/cdn-cgi/handler/email?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const answer = await fetch(url, { method: "POST", body: raw });
  return { status: answer.status, text: await answer.text() };
}

test("her answer by e-mail comes back into the chat without the quote; forged or altered addresses are refused", async () => {
  const { visitor, url } = await shopVisitor();
  const socket = await openSocket(url, shopPage);
  socket.send({ type: "contact", contact: { name: "Olga", email: "olga@example.com" } });
  socket.send({ type: "send", client_id: "q1", text: "Is the green tea in stock?" });
  await socket.next((f) => f.type === "ack" && f.client_id === "q1");
  await socket.close();
  const operatorUrl = `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/operator-socket?token=${session.token}`;
  const operator = await openSocket(operatorUrl);
  await sleep(300);
  operator.send({ type: "send", client_id: "r1", text: "Shall I keep a pack for you?" });
  const mail = await waitForMail(
    relay, session.token, (m) => m.to === "olga@example.com" && /keep a pack/.test(m.body), REPLY_DELAY_MS * 8,
  );
  const address = mail.reply_to;
  assert.match(address, /^reply\+demo\./);

  const delivered = await deliverMail(address, answerMail(address, "answer-1"));
  assert.ok(delivered.status < 300, `accepted: ${delivered.status} ${delivered.text}`);
  const text = await operator.next((f) => f.type === "message" && f.message.author.kind === "visitor" && f.message.via === "email");
  assert.equal(text.message.text, "Yes, please reserve one. Спасибо!", "no quote, no signature");
  const file = await operator.next((f) => f.type === "message" && f.message.attachment);
  assert.equal(file.message.attachment.name, "order.pdf");
  assert.equal(file.message.via, "email");
  const pdf = await fetch(
    `${relay.origin}/api/v1/sites/demo/conversations/${visitor.conversation}/files/${file.message.attachment.id}`,
    { headers: { Authorization: `Bearer ${session.token}` } },
  );
  assert.equal(await pdf.text(), "%PDF-1.4\nmy order\n");

  // The same mail delivered again is the same message; a forged, altered or foreign address
  // is refused with why, and stores nothing.
  assert.ok((await deliverMail(address, answerMail(address, "answer-1"))).status < 300);
  const [local] = address.split("@");
  const forged = [
    `${local.slice(0, -3)}AAA@${REPLY_DOMAIN}`,
    address.replace(visitor.conversation, "someone-elses-chat-0000"),
    `reply+demo.${visitor.conversation}.99999.AAAAAAAAAAAAAAAA@${REPLY_DOMAIN}`,
  ];
  for (const to of forged) {
    const refused = await deliverMail(to, answerMail(to, `forged-${to.length}`));
    assert.ok(refused.status >= 400, `refused: ${to}`);
    assert.match(refused.text, /this reply address is not valid/, "the sender learns why");
  }
  await sleep(500);
  const more = operator.frames.filter((f) => f.type === "message" && f.message.author.kind === "visitor");
  assert.deepEqual(more, [], "the text and the file once; nothing from forged addresses");

  // In the console the answer is in the chat, marked as come by e-mail.
  browser = await launchBrowser();
  const page = await consoleAs(browser, relay, owner, { width: 1280, height: 800 });
  await page.goto(`${relay.origin}/console/#/demo/chats/${visitor.conversation}`);
  const answer = page.locator("ol.log li", { hasText: "Yes, please reserve one." });
  await answer.locator("time", { hasText: "by e-mail" }).waitFor();
  assert.equal(await page.locator("ol.log li", { hasText: "Olga, Kazan" }).count(), 0);
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.errors, []);
  await operator.close();
});
