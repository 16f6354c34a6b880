// Web Push from the relay, end to end: operators register devices; a visitor's new chat is
// encrypted (RFC 8291) for each device and posted, with a VAPID token, to a push endpoint on
// this machine, which decrypts it with the device's own private key and checks the token's
// signature with the relay's public key. Refused: another operator's device, a private
// address, a key that is no P-256 point; nothing reaches a removed operator, an operator with
// the console open, or a device whose session signed out; a gone subscription (410) is
// forgotten. My account lists the devices and turns one off.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { relayFixture, startRelay, bootstrap, postJson, signIn, siteSettings, putSettings } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, seriousViolations, consoleAs } from "../support/browser.mjs";

const PORT = 8836;
const fixture = relayFixture();
let relay, owner, ownerSession, pushServer, pushOrigin;
/** Every request the push endpoint received: { path, headers, body }. */
const received = [];

const call = async (method, path, token, body) => {
  const response = await fetch(`${relay.origin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json, text };
};
const DEVICES = "/api/v1/account/push-devices";

/** A browser's side of a subscription: its key pair and auth secret. */
function newDevice(name) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    name, ecdh, auth,
    subscription: {
      endpoint: `${pushOrigin}/push/${name}`,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
      label: `Test ${name}`,
    },
  };
}

/** RFC 8291 §3.4 / RFC 8188, the receiving browser's way. */
function decrypt(device, body) {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const senderKey = body.subarray(21, 21 + idlen);
  const sealed = body.subarray(21 + idlen);
  const shared = device.ecdh.computeSecret(senderKey);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), device.ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, device.auth, info, 32));
  const key = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", key, nonce);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const record = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  // The last record ends with its delimiter 2, after which only padding zeros may follow.
  const end = record.lastIndexOf(2);
  assert.ok(end >= 0 && record.subarray(end + 1).every((b) => b === 0), "a last-record delimiter");
  return JSON.parse(record.subarray(0, end).toString("utf8"));
}

/** The VAPID header: a JWT for our origin, signed by the key the relay publishes. */
function checkVapid(header, publicKey) {
  const [, token, k] = /^vapid t=([^,]+), k=(.+)$/.exec(header) ?? [];
  assert.ok(token, `a VAPID authorization, not ${header}`);
  assert.equal(k, publicKey);
  const [head, claims, signature] = token.split(".");
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({ format: "jwk", key: { kty: "EC", crv: "P-256",
    x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") } });
  const good = verify("sha256", Buffer.from(`${head}.${claims}`), { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"));
  assert.equal(good, true, "the token's signature verifies with the relay's public key");
  const body = JSON.parse(Buffer.from(claims, "base64url"));
  assert.equal(body.aud, pushOrigin);
  assert.ok(body.exp > Date.now() / 1000 && body.exp <= Date.now() / 1000 + 24 * 3600);
}

async function pushesTo(name, count = 1, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = received.filter((r) => r.path === `/push/${name}`);
    if (mine.length >= count) return mine;
    assert.ok(Date.now() < deadline, `${count} push(es) to ${name} within ${timeoutMs} ms, got ${mine.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function visitorWrites(text) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const socket = await openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await socket.next((f) => f.type === "welcome");
  socket.send({ type: "send", client_id: "p1", text });
  await socket.next((f) => f.type === "ack");
  await socket.close();
  return v.conversation;
}

before(async () => {
  pushServer = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(req.url.startsWith("/gone/") ? 410 : 201).end();
    });
  });
  await new Promise((resolve) => pushServer.listen(0, "127.0.0.1", resolve));
  pushOrigin = `http://127.0.0.1:${pushServer.address().port}`;
  relay = await startRelay(fixture, PORT);
  owner = await bootstrap(relay, fixture);
  ownerSession = await signIn(relay, owner);
  const settings = siteSettings({ contact_form: { mode: "never" }, routing: { auto_assign: false, operators: [], regions: [] } });
  assert.equal((await putSettings(relay, ownerSession.token, settings)).status, 204);
});

after(async () => {
  await relay?.stop();
  pushServer?.close();
});

let ownerDevice, olegDevice, oleg, olegId, publicKey, ownerDeviceId;

test("devices: registered by their owner only, with real keys and a reachable address; listed without keys", async () => {
  const empty = await call("GET", DEVICES, ownerSession.token);
  assert.equal(empty.status, 200);
  publicKey = empty.json.public_key;
  assert.match(publicKey, /^B[\w-]{86}$/, "the relay's VAPID key, uncompressed P-256");
  assert.deepEqual(empty.json.devices, []);

  ownerDevice = newDevice("owner");
  assert.equal((await call("POST", DEVICES, undefined, ownerDevice.subscription)).status, 401);
  const offCurve = { ...ownerDevice.subscription, keys: { ...ownerDevice.subscription.keys, p256dh: `B${"A".repeat(86)}` } };
  assert.equal((await call("POST", DEVICES, ownerSession.token, offCurve)).status, 400, "no P-256 point");
  const metadata = { ...ownerDevice.subscription, endpoint: "https://169.254.169.254/latest/meta-data" };
  assert.equal((await call("POST", DEVICES, ownerSession.token, metadata)).status, 400, "no private address");
  const added = await call("POST", DEVICES, ownerSession.token, ownerDevice.subscription);
  assert.equal(added.status, 200, added.text);
  ownerDeviceId = added.json.id;
  const gone = newDevice("gone");
  gone.subscription.endpoint = `${pushOrigin}/gone/1`;
  assert.equal((await call("POST", DEVICES, ownerSession.token, gone.subscription)).status, 200);

  const list = await call("GET", DEVICES, ownerSession.token);
  assert.deepEqual(list.json.devices.map((d) => [d.label, d.service]).sort(),
    [["Test gone", `127.0.0.1:${pushServer.address().port}`], ["Test owner", `127.0.0.1:${pushServer.address().port}`]]);
  assert.ok(!list.text.includes("/push/owner") && !list.text.includes(ownerDevice.subscription.keys.p256dh),
    "the list holds neither the endpoint (a capability) nor the keys");

  const olegAdded = await call("POST", "/api/v1/sites/demo/operators", ownerSession.token,
    { name: "Oleg", email: "oleg@shop.test", password: "Oleg-password-1", role: "operator" });
  assert.equal(olegAdded.status, 201);
  olegId = olegAdded.json.id;
  oleg = await signIn(relay, { email: "oleg@shop.test", password: "Oleg-password-1" });
  olegDevice = newDevice("oleg");
  assert.equal((await call("POST", DEVICES, oleg.token, olegDevice.subscription)).status, 200);
  // Oleg cannot turn off the owner's device, nor see it.
  assert.equal((await call("DELETE", `${DEVICES}/${ownerDeviceId}`, oleg.token)).status, 404);
  assert.deepEqual((await call("GET", DEVICES, oleg.token)).json.devices.map((d) => d.label), ["Test oleg"]);
  assert.equal((await call("GET", DEVICES, ownerSession.token)).json.devices.length, 2);
});

test("a new chat reaches every device of the team, encrypted for each, signed with VAPID; a gone subscription is forgotten", async () => {
  const conversation = await visitorWrites("Do you ship teapots to Kazan?");
  for (const device of [ownerDevice, olegDevice]) {
    const [push] = await pushesTo(device.name);
    assert.equal(push.headers["content-encoding"], "aes128gcm");
    assert.ok(Number(push.headers.ttl) > 0);
    checkVapid(push.headers.authorization, publicKey);
    assert.ok(!push.body.includes(Buffer.from("Kazan")), "the push service sees no text");
    assert.deepEqual(decrypt(device, push.body), {
      title: "New chat",
      body: "Visitor: Do you ship teapots to Kazan?",
      url: `#/demo/chats/${conversation}`,
      tag: conversation,
    });
    // Another device's key cannot read it.
    assert.throws(() => decrypt(device === ownerDevice ? olegDevice : ownerDevice, push.body));
  }
  const deadline = Date.now() + 10_000;
  while ((await call("GET", DEVICES, ownerSession.token)).json.devices.some((d) => d.label === "Test gone")) {
    assert.ok(Date.now() < deadline, "the device whose subscription is gone (410) is forgotten");
    await new Promise((r) => setTimeout(r, 100));
  }
});

test("nothing reaches a removed operator, nor one whose console is open", async () => {
  assert.equal((await call("DELETE", `/api/v1/sites/demo/operators/${olegId}`, ownerSession.token)).status, 204);
  const olegBefore = received.filter((r) => r.path === "/push/oleg").length;
  const ownerBefore = received.filter((r) => r.path === "/push/owner").length;
  await visitorWrites("Second question");
  await pushesTo("owner", ownerBefore + 1);

  // The owner opens the console: his inbox there shows the next chat, no push is sent.
  const browser = await launchBrowser();
  try {
    const page = await consoleAs(browser, relay, owner, { width: 1280, height: 720 });
    await page.getByRole("button", { name: /^All/ }).click();
    await page.waitForFunction(async (origin) =>
      (await (await fetch(`${origin}/api/v1/sites/demo/widget-config`)).json()).presence.operators_online, relay.origin);
    await visitorWrites("Third question, while the console is open");
    await page.locator("button.conv", { hasText: "Third question" }).waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(received.filter((r) => r.path === "/push/owner").length, ownerBefore + 1, "no push with the console open");
    assert.equal(received.filter((r) => r.path === "/push/oleg").length, olegBefore, "none for a removed operator");

    // My account lists the devices; "Turn off" turns one off.
    const phone = newDevice("phone");
    const session = await signIn(relay, owner);
    assert.equal((await call("POST", DEVICES, session.token, phone.subscription)).status, 200);
    await page.getByRole("link", { name: "My account" }).click();
    const section = page.locator("section.push-devices");
    await section.getByText("Test phone").waitFor();
    assert.equal(await section.getByRole("button", { name: "Turn on for this device" }).isVisible(), true);
    assert.deepEqual(await seriousViolations(page), [], "My account with devices");
    await section.getByRole("button", { name: "Turn off Test phone" }).click();
    await section.getByText("Test phone").waitFor({ state: "detached" });
    assert.deepEqual((await call("GET", DEVICES, session.token)).json.devices.map((d) => d.label), ["Test owner"]);
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
});

test("signing out on a device stops its pushes", async () => {
  assert.equal((await call("POST", "/api/v1/auth/sign-out", ownerSession.token)).status, 204);
  const other = await signIn(relay, owner);
  assert.deepEqual((await call("GET", DEVICES, other.token)).json.devices, [], "the device of the ended session is gone");
});
