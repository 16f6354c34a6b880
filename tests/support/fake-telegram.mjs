// A local stand-in for the Telegram Bot API (the relay's TELEGRAM_API_URL): it answers the
// methods the relay calls, records every call, serves the files "users" sent, can be told to
// fail a method (429 with retry_after, 5xx), and posts updates to the webhook the relay set,
// with its secret or a forged one.
import { createServer } from "node:http";

export async function startFakeTelegram(port, token) {
  const calls = [];
  const files = new Map();
  const profilePhotos = new Map();
  const failures = [];
  let webhook = null;
  let nextMessageId = 100;
  const waiters = [];

  const result = (method, params) => {
    switch (method) {
      case "getMe":
        return { id: Number(token.split(":")[0]), is_bot: true, first_name: "Tea Shop", username: "tea_shop_bot" };
      case "setWebhook":
        webhook = { url: params.url, secret: params.secret_token, allowed: params.allowed_updates };
        return true;
      case "deleteWebhook":
        webhook = null;
        return true;
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument":
        return { message_id: nextMessageId++, chat: { id: Number(params.chat_id), type: "private" }, date: 0 };
      case "getFile": {
        if (!files.has(params.file_id)) return undefined;
        return { file_id: params.file_id, file_size: files.get(params.file_id).length, file_path: `documents/${params.file_id}.bin` };
      }
      case "getUserProfilePhotos": {
        const photo = profilePhotos.get(Number(params.user_id));
        return { total_count: photo ? 1 : 0, photos: photo ? [photo] : [] };
      }
      case "editMessageText":
      case "editMessageCaption":
      case "deleteMessage":
      case "sendChatAction":
      case "answerCallbackQuery":
        return true;
      default:
        return undefined;
    }
  };

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const answer = (status, json) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(json));
    };
    const download = req.url.match(/^\/file\/bot([^/]+)\/documents\/(.+)\.bin$/);
    if (download) {
      if (download[1] !== token || !files.has(download[2])) return answer(404, { ok: false });
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      return res.end(files.get(download[2]));
    }
    const call = req.url.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!call) return answer(404, { ok: false, error_code: 404, description: "Not Found" });
    const method = call[2];
    if (call[1] !== token) {
      calls.push({ method, params: {}, failed: 401, token: call[1], at: Date.now() });
      return answer(401, { ok: false, error_code: 401, description: "Unauthorized" });
    }
    let params = {};
    let file = null;
    const type = req.headers["content-type"] ?? "";
    if (type.startsWith("multipart/form-data")) {
      const form = await new Request("http://x/", { method: "POST", headers: { "content-type": type }, body }).formData();
      for (const [key, value] of form) {
        if (typeof value === "string") params[key] = value;
        else file = { field: key, name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
      }
    } else if (body.length) {
      params = JSON.parse(body.toString("utf8"));
    }
    const failure = failures.findIndex((f) => f.method === method);
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      calls.push({ method, params, file, failed: f.status, at: Date.now() });
      notify();
      return answer(f.status, f.body);
    }
    const value = result(method, params);
    calls.push({ method, params, file, result: value, at: Date.now() });
    notify();
    if (value === undefined) return answer(400, { ok: false, error_code: 400, description: `Bad Request: ${method}` });
    return answer(200, { ok: true, result: value });
  });
  const notify = () => {
    for (const w of [...waiters]) {
      const found = calls.find(w.match);
      if (found) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  let updateId = 1;

  return {
    origin: `http://127.0.0.1:${port}`,
    calls,
    get webhook() { return webhook; },
    /** A file a user sent, for getFile and its download. */
    addFile(id, bytes) { files.set(id, bytes); },
    /** A user's profile photo: its sizes, the one of `width` with these bytes. */
    setProfilePhoto(userId, bytes, width = 160) {
      files.set(`avatar-${userId}`, bytes);
      profilePhotos.set(userId, [
        { file_id: `avatar-small-${userId}`, width: 80, height: 80 },
        { file_id: `avatar-${userId}`, width, height: width },
      ]);
    },
    /** The next call of `method` fails with this status and body. */
    failNext(method, status, body) { failures.push({ method, status, body }); },
    /** Resolves with the first call matching `match` (made already or to come). */
    waitFor(match, timeoutMs = 10000) {
      const found = calls.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no matching Bot API call within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(", ")}`));
          }
        }, timeoutMs);
      });
    },
    /** Posts an update to the relay as Telegram would; `secret` defaults to the webhook's. */
    async postUpdate(update, secret = webhook?.secret) {
      const headers = { "Content-Type": "application/json" };
      if (secret !== null) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
      const response = await fetch(webhook.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ update_id: updateId++, ...update }),
      });
      return { status: response.status, text: await response.text() };
    },
    close() { return new Promise((resolve) => server.close(resolve)); },
  };
}
