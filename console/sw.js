// The console's service worker: the app shell from the network when there is one, from the
// cache when not (the console then says it has no connection, instead of the browser's error
// page); and Web Push: a notification for a new chat whose click opens that chat.
// The relay's API and sockets are never cached.
const CACHE = "consultant-console-v1";
const SHELL = ["./", "index.html", "console.css", "boot.js", "console.js", "console_bg.wasm",
  "manifest.webmanifest", "icon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const inScope = url.origin === location.origin && url.pathname.startsWith(new URL("./", location).pathname);
  if (event.request.method !== "GET" || !inScope) return;
  event.respondWith((async () => {
    try {
      const fresh = await fetch(event.request);
      if (fresh.ok) (await caches.open(CACHE)).put(event.request, fresh.clone());
      return fresh;
    } catch (offline) {
      const cached = await caches.match(event.request, { ignoreSearch: true })
        ?? (event.request.mode === "navigate" ? await caches.match("index.html") : undefined);
      if (cached) return cached;
      throw offline;
    }
  })());
});

// The relay sends {"title", "body", "url", "tag"}; `url` is the chat's address in the console.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch { data = { body: event.data.text() }; }
  const title = typeof data.title === "string" ? data.title : "Operator console";
  event.waitUntil(self.registration.showNotification(title, {
    body: typeof data.body === "string" ? data.body : "",
    tag: typeof data.tag === "string" ? data.tag : undefined,
    icon: "icon.svg",
    data: { url: typeof data.url === "string" ? data.url : "./" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url ?? "./", self.registration.scope);
  if (target.origin !== location.origin) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).pathname === target.pathname);
    if (open) {
      await open.focus();
      return open.navigate(target.href);
    }
    return self.clients.openWindow(target.href);
  })());
});
