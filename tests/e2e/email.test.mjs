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

before(async () => {
  relay = await startRelay(fixture, 8798);
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
  const transcript = await waitForMail(relay, session.token, (m) => m.to === "ivan@example.com");
  assert.deepEqual(transcript.delivery, { state: "sent" });
  assert.match(transcript.body, /Call me back/);
  const mails = await (await fetch(`${relay.origin}/api/v1/sites/demo/outbox`, { headers: { Authorization: `Bearer ${session.token}` } })).json();
  assert.equal(mails.filter((m) => m.to === "sales@shop.test").length, 1, "a retried offline message is e-mailed once");
  await socket.close();
});
