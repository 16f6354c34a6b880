// A small promise-based WebSocket client for protocol tests (npm `ws`).
import WebSocket from "ws";

/**
 * An operator socket's URL written with the session token (`…/inbox-socket?token=…`,
 * `…/operator-socket?token=…`) turned into what the relay accepts, as the console does it: a
 * one-minute ticket for that socket, asked for with the token in the Authorization header.
 * Other URLs are returned as they are. A refused ticket throws like a refused upgrade.
 */
export async function ticketUrl(url) {
  const parsed = new URL(url);
  const match = parsed.pathname.match(/^\/api\/v1\/sites\/([^/]+)\/(?:conversations\/([^/]+)\/operator-socket|inbox-socket)$/);
  const token = parsed.searchParams.get("token");
  if (!match || !token) return url;
  const http = `${parsed.protocol === "wss:" ? "https" : "http"}://${parsed.host}`;
  const response = await fetch(`${http}/api/v1/sites/${match[1]}/tickets`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ conversation: match[2] ?? null }),
  });
  const body = await response.text();
  if (response.status !== 200) throw Object.assign(new Error(`ticket: HTTP ${response.status}`), { status: response.status, body });
  parsed.searchParams.delete("token");
  parsed.searchParams.set("ticket", JSON.parse(body).ticket);
  return parsed.toString();
}

/** Opens a socket; `raw: true` sends the URL as it is (to try what the relay refuses). */
export async function openSocket(url, headers = {}, { raw = false } = {}) {
  return openTicketed(raw ? url : await ticketUrl(url), headers);
}

function openTicketed(url, headers) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames = [];
    const waiters = [];
    // The close code, kept from the moment it happens (a test may ask later).
    let closeCode = null;
    ws.on("close", (code) => (closeCode = code));
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      for (const w of waiters.slice()) {
        if (w.match(frame)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.on("error", reject);
    ws.on("open", () =>
      resolve({
        ws,
        frames,
        send: (value) => ws.send(typeof value === "string" || Buffer.isBuffer(value) ? value : JSON.stringify(value)),
        /** Resolves with the first frame (already received or coming) that matches. */
        next(match, timeoutMs = 5000) {
          const seen = frames.find(match);
          if (seen) {
            frames.splice(frames.indexOf(seen), 1);
            return Promise.resolve(seen);
          }
          return new Promise((res, rej) => {
            const waiter = { match, resolve: (f) => { clearTimeout(timer); frames.splice(frames.indexOf(f), 1); res(f); } };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(waiter), 1);
              rej(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`));
            }, timeoutMs);
            waiters.push(waiter);
          });
        },
        close: () => new Promise((res) => {
          if (ws.readyState === WebSocket.CLOSED) return res();
          ws.once("close", res);
          ws.close();
        }),
        /**
         * Resolves with the close code as soon as the relay's close frame arrives (the
         * connection itself may linger before the 'close' event: wrangler's proxy ends it
         * seconds later). Reads `ws`'s own record of the received code.
         */
        closing: () => new Promise((res) => {
          const check = () => {
            if (ws.readyState === WebSocket.OPEN) return setTimeout(check, 5);
            res(ws._closeCode ?? closeCode ?? 1006);
          };
          check();
        }),
        /** Resolves with the close code once the relay closes the socket. */
        closed: () => new Promise((res) => {
          if (ws.readyState === WebSocket.CLOSED) return res(closeCode ?? 1006);
          ws.once("close", (code) => res(code));
        }),
      }),
    );
  });
}

/** The status code a refused WebSocket upgrade got. */
export async function refusedWith(url) {
  try {
    const socket = await openSocket(url);
    await socket.close();
    return 101;
  } catch (e) {
    return e.status ?? e.message;
  }
}
