// A self-hosted relay sends e-mail through the owner's mail server (SMTP_URL): here a real SMTP
// server (npm smtp-server) on 127.0.0.1 that wants a login. While it is down, mails wait in the
// outbox and are tried again; once it is back each arrives, exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { SMTPServer } from "smtp-server";
import {
  relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, postJson, outbox, waitForMail,
} from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const SMTP_PORT = 2526;
const fixture = relayFixture();
writeFileSync(
  fixture.envFile,
  readFileSync(fixture.envFile, "utf8") +
    `EMAIL_FROM=chat@shop.test\nSMTP_URL=smtp+plain://chat%40shop.test:s3cret@127.0.0.1:${SMTP_PORT}\n`,
);
let relay, session, smtp;
/** Every mail the server took: envelope and raw message. */
const received = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startSmtp() {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN"],
    onAuth(auth, _session, done) {
      if (auth.username === "chat@shop.test" && auth.password === "s3cret") return done(null, { user: "chat" });
      done(new Error("bad login"));
    },
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (d) => (raw += d));
      stream.on("end", () => {
        received.push({ from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
    logger: false,
  });
  return new Promise((resolve) => server.listen(SMTP_PORT, "127.0.0.1", () => resolve(server)));
}
const stopSmtp = (server) => new Promise((resolve) => server.close(resolve));

/** The body of a received mail (base64, as the relay writes it). */
function bodyOf(raw) {
  const [, body] = raw.split("\r\n\r\n");
  return Buffer.from(body.replace(/\r\n/g, ""), "base64").toString("utf8");
}

before(async () => {
  smtp = await startSmtp();
  relay = await startRelay(fixture, 8837, { WEBHOOK_RETRY_UNIT_MS: "400" });
  session = await signIn(relay, await bootstrap(relay, fixture));
  const settings = siteSettings({ offline: { hide_launcher: false, notify_email: "sales@shop.test" } });
  assert.equal((await putSettings(relay, session.token, settings)).status, 204);
});
after(async () => {
  await relay?.stop();
  if (smtp) await stopSmtp(smtp);
});

async function leaveMessage(text) {
  const visitor = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(
    `${relay.wsOrigin}/api/v1/sites/demo/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`,
  );
  socket.send({ type: "offline", client_id: "o1", contact: { name: "Ivan", email: "ivan@example.com" }, text });
  await socket.next((f) => f.type === "ack" && f.client_id === "o1");
  await socket.close();
}

test("mail goes out through the owner's SMTP server, logged in, with Reply-To and a UTF-8 body", async () => {
  await leaveMessage("Перезвоните мне, пожалуйста");
  // Stored first, then sent: the outbox shows it queued until the server has taken it.
  const mail = await waitForMail(relay, session.token, (m) => /Перезвоните/.test(m.body) && m.delivery.state !== "queued");
  assert.deepEqual(mail.delivery, { state: "sent" });
  const taken = received.filter((r) => /Перезвоните/.test(bodyOf(r.raw)));
  assert.equal(taken.length, 1);
  assert.deepEqual([taken[0].from, taken[0].to], ["chat@shop.test", ["sales@shop.test"]]);
  assert.match(taken[0].raw, /\r\nReply-To: ivan@example\.com\r\n/);
  assert.match(taken[0].raw, /\r\nMessage-ID: <[^>]+@consultant>\r\n/);
});

test("with the server down the mail waits in the outbox and is tried again; once it is back it arrives once", async () => {
  await stopSmtp(smtp);
  smtp = null;
  await leaveMessage("Is the shop open on Sunday?");
  const waiting = await waitForMail(relay, session.token, (m) => /Sunday/.test(m.body) && m.delivery.state === "retrying");
  assert.ok(waiting.delivery.attempts >= 1);
  assert.match(waiting.delivery.reason, /connect|connection|closed/i);
  await sleep(1500);
  smtp = await startSmtp();
  const sent = await waitForMail(relay, session.token, (m) => /Sunday/.test(m.body) && m.delivery.state === "sent", 30_000);
  assert.deepEqual(sent.delivery, { state: "sent" });
  await sleep(2000);
  const taken = received.filter((r) => /Sunday/.test(bodyOf(r.raw)));
  assert.equal(taken.length, 1, "sent exactly once");
  const mails = (await outbox(relay, session.token)).filter((m) => /Sunday/.test(m.body));
  assert.equal(mails.length, 1, "one mail in the outbox, whatever the attempts");
});
