// Serves the demo shop from its own origin (another port), with the one-tag install pointing at
// the relay: the widget then runs cross-origin, as it does on a customer's site.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { ROOT } from "./relay.mjs";

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css" };

export function startShop(port, relayOrigin) {
  const dir = join(ROOT, "demo-site");
  const server = createServer(async (req, res) => {
    const path = normalize(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
    if (path.startsWith("..")) return res.writeHead(404).end("not found");
    try {
      // Test fixtures (tests/fixtures) are served beside the demo shop's pages.
      let body = await readFile(join(dir, path), "utf8").catch(() =>
        readFile(join(ROOT, "tests/fixtures", path), "utf8"),
      );
      if (path.endsWith(".html")) body = body.replace('src="/widget.js"', `src="${relayOrigin}/widget.js"`);
      // `?widget=off` serves the page without the one-tag install (page-impact benchmark).
      if (new URL(req.url, "http://x").searchParams.get("widget") === "off") {
        body = body.replace(/<script src="[^"]*\/widget\.js"[^>]*><\/script>/, "");
      }
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({ origin: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(r)) }),
    ),
  );
}
