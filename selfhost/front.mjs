// The front of a self-hosted relay under plain workerd: serves the static files (loader,
// widget, console, demo shop) from the `ASSETS` directory, as Workers static assets do on
// Cloudflare, and hands everything else to the relay (`RELAY`).
const TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  wasm: "application/wasm",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
};

// The widget is loaded by other sites' pages: its files are fetched cross-origin (edge/assets/_headers).
const crossOrigin = (path) => path === "/widget.js" || path.startsWith("/widget/");

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return new Response("bad path", { status: 400 });
    }
    const isFile = (request.method === "GET" || request.method === "HEAD") && !path.startsWith("/api/");
    if (isFile && !path.split("/").some((part) => part.startsWith(".") || part === "_headers")) {
      const file = path.endsWith("/") ? `${path}index.html` : path;
      const found = await env.ASSETS.fetch(new URL(file, "http://assets"), { method: request.method });
      if (found.ok) {
        const extension = file.slice(file.lastIndexOf(".") + 1);
        const type = TYPES[extension];
        // A directory (served as a JSON listing) is reached with its trailing slash.
        if (!type || (extension !== "json" && found.headers.get("content-type")?.includes("json"))) {
          if (!path.includes(".")) return Response.redirect(new URL(`${path}/`, url), 301);
        }
        const headers = new Headers({ "Content-Type": type ?? "application/octet-stream" });
        if (crossOrigin(path)) {
          headers.set("Access-Control-Allow-Origin", "*");
          headers.set("Cache-Control", "public, max-age=300");
        }
        return new Response(found.body, { status: 200, headers });
      }
    }
    return env.RELAY.fetch(request);
  },
};
