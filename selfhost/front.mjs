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

/**
 * The rules of the `_headers` file (edge/assets/_headers, copied beside the static files), as
 * Workers static assets apply them on Cloudflare: a path pattern (`*` matches anything), then
 * its indented `Name: value` lines. Every rule whose pattern matches adds its headers.
 */
function parseHeaders(text) {
  const rules = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      const pattern = line.trim().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*");
      rules.push({ match: new RegExp(`^${pattern}$`), headers: [] });
    } else if (rules.length) {
      const colon = line.indexOf(":");
      rules.at(-1).headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return rules;
}
let headerRules;
async function rulesFor(env) {
  if (!headerRules) {
    const file = await env.ASSETS.fetch(new URL("/_headers", "http://assets"));
    headerRules = file.ok ? parseHeaders(await file.text()) : [];
  }
  return headerRules;
}

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
        for (const rule of await rulesFor(env)) {
          if (rule.match.test(path)) for (const [name, value] of rule.headers) headers.set(name, value);
        }
        return new Response(found.body, { status: 200, headers });
      }
    }
    return env.RELAY.fetch(request);
  },
};
