// A small promise-based WebSocket client for protocol tests (npm `ws`).
import WebSocket from "ws";

export function openSocket(url, headers = {}) {
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
