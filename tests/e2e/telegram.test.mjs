// Telegram as a channel, against a local fake of the Bot API (TELEGRAM_API_URL): an admin
// connects the bot, a user's messages and files become his conversation, operators' replies,
// files, edits, deletes, typing and the rating survey go back in order, a 429 is waited out,
// a refusal is shown to the operator, and updates without the bot's secret are refused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { relayFixture, startRelay, bootstrap, signIn, siteSettings, putSettings, call } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";
import { launchBrowser, consoleAs, seriousViolations } from "../support/browser.mjs";
import { startFakeTelegram } from "../support/fake-telegram.mjs";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const fixture = relayFixture();
let relay, fake, owner, session, browser;
const ivan = { id: 4242, is_bot: false, first_name: "Ivan", last_name: "Petrov", username: "ivan_p", language_code: "en" };
const conversation = `tg-${ivan.id}`;
const privateMessage = (message_id, fields) => ({
  message: { message_id, date: 0, chat: { id: ivan.id, type: "private" }, from: ivan, ...fields },
});
const member = (name, role = "operator") => ({ name, email: `${name.toLowerCase()}@shop.test`, password: `${name}-password-1`, role });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  fake = await startFakeTelegram(8844, TOKEN);
  // Retries of a Bot API call that got no answer wait 1, 5, 30… of this unit.
  relay = await startRelay(fixture, 8843, { TELEGRAM_API_URL: fake.origin, WEBHOOK_RETRY_UNIT_MS: "300" });
  owner = await bootstrap(relay, fixture);
  session = await signIn(relay, owner);
  const settings = siteSettings({ departments: [], rating: { scale: "thumbs", positive_reply: null, negative_reply: null } });
  assert.equal((await putSettings(relay, session.token, settings)).status, 204);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await relay?.stop();
  await fake?.close();
});

const operatorSocket = () =>
  openSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${conversation}/operator-socket?token=${session.token}`);

test("only the site's owner or admin connects a bot, and only with a token of the right shape", async () => {
  assert.equal((await call(relay, "POST", "/api/v1/sites/demo/operators", session.token, member("Rita"))).status, 201);
  const rita = await signIn(relay, member("Rita"));
  const asRita = await call(relay, "PUT", "/api/v1/sites/demo/telegram", rita.token, { token: TOKEN });
  assert.equal(asRita.status, 403, "an operator does not connect channels");
  const other = await call(relay, "POST", "/api/v1/sites", session.token, { site: "other", name: "Other shop" });
  assert.equal(other.status, 201);
  assert.equal((await call(relay, "POST", "/api/v1/sites/other/operators", session.token, member("Bob", "admin"))).status, 201);
  const bob = await signIn(relay, member("Bob"));
  assert.equal((await call(relay, "PUT", "/api/v1/sites/demo/telegram", bob.token, { token: TOKEN })).status, 403, "another site's admin");
  assert.equal((await call(relay, "GET", "/api/v1/sites/demo/telegram", bob.token)).status, 403);
  assert.equal((await call(relay, "PUT", "/api/v1/sites/demo/telegram", null, { token: TOKEN })).status, 401);
  // A token that would change the Bot API address is refused before anything is called.
  const before = fake.calls.length;
  const bent = await call(relay, "PUT", "/api/v1/sites/demo/telegram", session.token, { token: `${TOKEN}/../getMe?x=` });
  assert.equal(bent.status, 400);
  const unknown = await call(relay, "PUT", "/api/v1/sites/demo/telegram", session.token, { token: "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" });
  assert.equal(unknown.status, 400, "a token Telegram does not know");
  assert.match(unknown.json.message, /Telegram did not accept this token: Unauthorized/);
  assert.equal(fake.calls.slice(before).map((c) => c.method).join(), "getMe", "only the unknown token reached the Bot API");
  assert.equal(fake.webhook, null);
});

test("an admin connects the bot in Settings → Channels: the webhook carries a secret, the token is never shown again", async () => {
  const page = await consoleAs(browser, relay, owner);
  await page.getByRole("link", { name: "Settings" }).click();
  const section = page.locator("section[aria-labelledby=channels-title]");
  await section.getByText("No bot is connected.").waitFor();
  await section.getByLabel("Bot token from @BotFather").fill(TOKEN);
  await section.getByRole("button", { name: "Connect" }).click();
  await section.getByText("Connected: @tea_shop_bot (Tea Shop)").waitFor();
  assert.equal(fake.webhook.url, `${relay.origin}/api/v1/telegram/demo`);
  assert.ok(fake.webhook.secret.length >= 32, "a long random secret");
  assert.deepEqual(fake.webhook.allowed, ["message", "callback_query"]);
  assert.equal(await section.getByLabel("Bot token from @BotFather").inputValue(), "", "the field is emptied");
  const status = await call(relay, "GET", "/api/v1/sites/demo/telegram", session.token);
  assert.deepEqual(status.json, { connected: true, username: "tea_shop_bot", name: "Tea Shop", waiting: 0 });
  assert.doesNotMatch(status.text, /AAHdq/, "the token is not shown again");
  assert.deepEqual(await seriousViolations(page), []);
  // Russian too.
  await page.getByRole("button", { name: "Русский" }).click();
  await section.getByText("Подключён: @tea_shop_bot (Tea Shop)").waitFor();
  await page.getByRole("button", { name: "English" }).click();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("updates without the bot's secret are refused and store nothing", async () => {
  const forged = await fake.postUpdate(privateMessage(1, { text: "forged: send me the codes" }), "x".repeat(64));
  assert.equal(forged.status, 403);
  const bare = await fake.postUpdate(privateMessage(2, { text: "no secret at all" }), null);
  assert.equal(bare.status, 401);
  const elsewhere = await fetch(`${relay.origin}/api/v1/telegram/other`, {
    method: "POST",
    headers: { "X-Telegram-Bot-Api-Secret-Token": fake.webhook.secret, "Content-Type": "application/json" },
    body: JSON.stringify({ update_id: 1, ...privateMessage(3, { text: "demo's secret on another site" }) }),
  });
  assert.equal(elsewhere.status, 403, "one site's secret does not open another's");
  const history = await call(relay, "GET", "/api/v1/sites/demo/history?text=forged", session.token);
  assert.equal(history.status, 200);
  assert.equal(JSON.stringify(history.json).includes("forged"), false);
});

/** A JPEG's first bytes as browsers and the relay read its size: `side` × `side` pixels. */
const jpeg = (side) => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, side >> 8, side & 255, side >> 8, side & 255, 1, 1, 0x11, 0]);

test("a Telegram user's messages and files become his conversation, shown in the console with the channel", async () => {
  fake.setProfilePhoto(ivan.id, jpeg(160));
  assert.equal((await fake.postUpdate(privateMessage(10, { text: "Hello, do you ship to Kazan?" }))).status, 200);
  // Telegram delivers an update again when it is not sure: stored once.
  assert.equal((await fake.postUpdate(privateMessage(10, { text: "Hello, do you ship to Kazan?" }))).status, 200);
  const photoBytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7), Buffer.from([0xff, 0xd9])]);
  fake.addFile("photo-1", photoBytes);
  const photo = privateMessage(11, { caption: "This teapot", photo: [{ file_id: "thumb", file_size: 10 }, { file_id: "photo-1", file_size: photoBytes.length }] });
  assert.equal((await fake.postUpdate(photo)).status, 200);
  const pdf = Buffer.from("%PDF-1.4\nmy order\n");
  fake.addFile("doc-1", pdf);
  const doc = privateMessage(12, { document: { file_id: "doc-1", file_name: "order.pdf", mime_type: "application/pdf", file_size: pdf.length } });
  assert.equal((await fake.postUpdate(doc)).status, 200);
  // Not the chat's business: a group message.
  const group = { message: { message_id: 13, chat: { id: -100, type: "group" }, from: ivan, text: "in a group" } };
  assert.equal((await fake.postUpdate(group)).status, 200);

  const operator = await operatorSocket();
  const welcome = await operator.next((f) => f.type === "welcome");
  const mine = welcome.messages.filter((m) => m.author.kind === "visitor");
  assert.deepEqual(mine.map((m) => m.text), ["Hello, do you ship to Kazan?", "This teapot", ""], "the caption with its photo");
  assert.ok(mine.every((m) => m.via === "telegram"));
  assert.equal(mine[1].attachment.content_type, "image/jpeg");
  assert.equal(mine[2].attachment.name, "order.pdf");
  assert.equal(welcome.state.contact.name, "Ivan Petrov");
  assert.deepEqual(welcome.state.custom_data, [{ title: "Telegram", content: "@ivan_p", link: "https://t.me/ivan_p" }]);
  assert.equal(welcome.state.channel, "telegram");
  assert.equal(welcome.state.photo.content_type, "image/jpeg", "his Telegram picture, for the card");
  assert.equal(fake.calls.filter((c) => c.method === "getUserProfilePhotos").length, 1, "fetched once, for the new conversation");
  const file = await fetch(`${relay.origin}/api/v1/sites/demo/conversations/${conversation}/files/${mine[2].attachment.id}`, {
    headers: { Authorization: `Bearer ${session.token}` },
  });
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), pdf, "the document as he sent it");
  await operator.close();

  const page = await consoleAs(browser, relay, owner);
  await page.goto(`${relay.origin}/console/#/demo/chats/${conversation}`);
  await page.getByText("Hello, do you ship to Kazan?").waitFor();
  assert.ok((await page.locator("li.msg.visitor time").first().textContent()).includes("in Telegram"));
  await page.getByRole("link", { name: "@ivan_p" }).waitFor();
  await page.locator("img.visitor-photo[alt='Photo of Ivan Petrov'][src^='blob:']").waitFor();
  await page.getByRole("button", { name: /^All/ }).click();
  const listed = page.locator("nav.inbox button.conv", { hasText: "Ivan Petrov" });
  assert.equal((await listed.locator(".badge.channel").textContent()).trim(), "Telegram", "the inbox shows the channel");
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("replies, a file, edits and deletes go back in order; a 429 is waited out; typing is shown; notes stay", async () => {
  const operator = await operatorSocket();
  await operator.next((f) => f.type === "welcome");
  fake.failNext("sendMessage", 429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
  const start = fake.calls.length;
  const send = async (client_id, text, attachment) => {
    operator.send({ type: "send", client_id, text, ...(attachment ? { attachment } : {}) });
    return (await operator.next((f) => f.type === "ack" && f.client_id === client_id)).seq;
  };
  operator.send({ type: "typing", typing: true });
  await fake.waitFor((c) => c.method === "sendChatAction" && c.params.action === "typing" && c.params.chat_id === ivan.id);
  const first = await send("r1", "Yes, we ship to Kazan");
  const second = await send("r2", "It takes 3 days");
  operator.send({ type: "note", client_id: "n1", text: "VIP, offer a discount" });
  await fake.waitFor((c) => c.method === "sendMessage" && !c.failed && c.params.text === "It takes 3 days");
  const sent = fake.calls.slice(start).filter((c) => c.method === "sendMessage");
  assert.deepEqual(
    sent.map((c) => [c.params.text, c.failed ?? 200]),
    [["Yes, we ship to Kazan", 429], ["Yes, we ship to Kazan", 200], ["It takes 3 days", 200]],
    "the refused message is sent again first, then the next: order kept, each once",
  );
  assert.ok(sent[1].at - sent[0].at >= 1000, "Telegram's retry_after is waited out");
  assert.ok(sent.every((c) => c.params.chat_id === ivan.id));

  // A file, as the operator uploads it.
  const bytes = Buffer.from("%PDF-1.4\ninvoice 42\n");
  const upload = await call(relay, "POST", `/api/v1/sites/demo/conversations/${conversation}/files`, session.token, new Uint8Array(bytes), {
    "Content-Type": "application/pdf", "X-File-Name": "invoice.pdf",
  });
  assert.equal(upload.status, 201, upload.text);
  await send("r3", "Your invoice", upload.json);
  const document = await fake.waitFor((c) => c.method === "sendDocument");
  assert.equal(document.params.caption, "Your invoice");
  assert.equal(document.file.name, "invoice.pdf");
  assert.deepEqual(document.file.bytes, bytes);

  const delivered = (text) => fake.calls.find((c) => c.method === "sendMessage" && !c.failed && c.params.text === text).result.message_id;
  operator.send({ type: "edit", seq: first, text: "Yes, we ship to Kazan and Samara" });
  const edit = await fake.waitFor((c) => c.method === "editMessageText");
  assert.deepEqual(edit.params, { chat_id: ivan.id, message_id: delivered("Yes, we ship to Kazan"), text: "Yes, we ship to Kazan and Samara" });
  operator.send({ type: "delete", seq: second });
  const deleted = await fake.waitFor((c) => c.method === "deleteMessage");
  assert.deepEqual(deleted.params, { chat_id: ivan.id, message_id: delivered("It takes 3 days") }, "each change goes to its own message");
  assert.equal(fake.calls.some((c) => JSON.stringify(c.params).includes("VIP")), false, "a private note never reaches Telegram");
  await operator.close();
});

test("a message Telegram refuses, or cannot take for a while, is shown to the operator", async () => {
  const operator = await operatorSocket();
  await operator.next((f) => f.type === "welcome");
  fake.failNext("sendMessage", 502, { ok: false, error_code: 502, description: "Bad Gateway" });
  operator.send({ type: "send", client_id: "r5", text: "Are you there?" });
  const late = await operator.next((f) => f.type === "message" && f.message.event?.event === "not_delivered");
  assert.match(late.message.event.reason, /Bad Gateway; trying again/);
  assert.equal(late.message.note, true, "for the operators only");
  await fake.waitFor((c) => c.method === "sendMessage" && !c.failed && c.params.text === "Are you there?");

  fake.failNext("sendMessage", 403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" });
  operator.send({ type: "send", client_id: "r6", text: "Hello?" });
  const refused = await operator.next((f) => f.type === "message" && f.message.event?.event === "not_delivered");
  assert.equal(refused.message.event.reason, "Forbidden: bot was blocked by the user");
  const ack = await operator.next((f) => f.type === "ack" && f.client_id === "r6");
  assert.equal(refused.message.event.seq, ack.seq, "it names the message");
  await sleep(500);
  assert.equal(fake.calls.filter((c) => c.params.text === "Hello?").length, 1, "refused for good: not tried again");
  await operator.close();

  const page = await consoleAs(browser, relay, owner);
  await page.goto(`${relay.origin}/console/#/demo/chats/${conversation}`);
  await page.getByText("The message did not reach Telegram: Forbidden: bot was blocked by the user").waitFor();
  await page.context().close();
});

test("closing the chat offers the rating as buttons in his language; a press rates it once", async () => {
  const operator = await operatorSocket();
  await operator.next((f) => f.type === "welcome");
  operator.send({ type: "close" });
  const survey = await fake.waitFor((c) => c.method === "sendMessage" && c.params.reply_markup);
  assert.equal(survey.params.text, "How was the chat? Please rate it:");
  const buttons = survey.params.reply_markup.inline_keyboard[0];
  assert.deepEqual(buttons.map((b) => b.text), ["👎 Bad", "👍 Good"]);
  const surveyId = survey.result.message_id;
  const press = (id) => fake.postUpdate({
    callback_query: { id, from: ivan, message: { message_id: surveyId, chat: { id: ivan.id, type: "private" } }, data: buttons[1].callback_data },
  });
  assert.equal((await press("cb-1")).status, 200);
  const rated = await operator.next((f) => f.type === "message" && f.message.event?.event === "rated");
  assert.deepEqual([rated.message.event.score, rated.message.event.scale], [2, "thumbs"]);
  const answered = await fake.waitFor((c) => c.method === "answerCallbackQuery" && c.params.callback_query_id === "cb-1");
  assert.equal(answered.params.text, "Thank you for rating the chat!");
  await fake.waitFor((c) => c.method === "editMessageText" && c.params.text === "Thank you for rating the chat!");
  // A second press rates nothing, and says why.
  assert.equal((await press("cb-2")).status, 200);
  const again = await fake.waitFor((c) => c.method === "answerCallbackQuery" && c.params.callback_query_id === "cb-2");
  assert.notEqual(again.params.text, "Thank you for rating the chat!");
  await operator.close();
});

test("disconnecting stops the bot: its webhook is deleted and its secret no longer opens anything", async () => {
  const secret = fake.webhook.secret;
  assert.equal((await call(relay, "DELETE", "/api/v1/sites/demo/telegram", session.token)).status, 204);
  assert.equal(fake.webhook, null);
  const late = await fetch(`${relay.origin}/api/v1/telegram/demo`, {
    method: "POST",
    headers: { "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json" },
    body: JSON.stringify({ update_id: 99, ...privateMessage(30, { text: "still there?" }) }),
  });
  assert.equal(late.status, 403);
  const status = await call(relay, "GET", "/api/v1/sites/demo/telegram", session.token);
  assert.equal(status.json.connected, false);
});
