/*
 * The one script tag a site owner pastes:
 *   <script src="https://RELAY/widget.js" data-site="SITE" async></script>
 * It draws the launcher at once (no wasm needed), installs window.Consultant, queues API calls
 * made before the widget is ready, and loads the page module (page.js: presence, trigger rules,
 * badge; small) when the browser is idle or the visitor reaches for the launcher, whichever
 * comes first. The page module fetches the chat window (widget.js, Leptos) through
 * fetchWindow() only when it is needed.
 */
(function () {
  var started = performance.now();
  var script = document.currentScript;
  var existing = window.Consultant;
  if (!script || (existing && existing.version)) return;

  var relay = script.getAttribute("data-relay") || new URL(script.src).origin;
  // A page may name the site in the stub instead (`Consultant.site`, e.g. the demo shop's
  // `?site=`); otherwise the tag's data-site.
  var site = (existing && existing.site) || script.getAttribute("data-site");
  var tag = (script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en").toLowerCase();
  var ru = tag.slice(0, 2) === "ru";
  var label = ru ? "Открыть чат" : "Open chat";

  // Calls made through the optional stub before this file arrived: {q: [[name, args], ...]}.
  var early = (existing && existing.q) || [];
  var queue = [];
  var listeners = {};
  var widget = null; // the page module, once started
  var loading = null;
  var windowModule = null;

  // Analytics of the page, when it has them: GA4 (gtag) or Google Tag Manager (dataLayer) events
  // and Yandex Metrica goals (counter from data-metrika, else the page's first counter).
  var goals = { open: "consultant_chat_opened", "message:sent": "consultant_message_sent",
    "offline:message": "consultant_offline_message", rating: "consultant_chat_rated" };
  function track(event) {
    var goal = goals[event];
    if (!goal) return;
    try {
      if (typeof window.gtag === "function") window.gtag("event", goal, { consultant_site: site });
      else if (Array.isArray(window.dataLayer)) window.dataLayer.push({ event: goal, consultant_site: site });
      var ya = window.Ya && window.Ya.Metrika2 && window.Ya.Metrika2.counters && window.Ya.Metrika2.counters()[0];
      var counter = Number(script.getAttribute("data-metrika") || (ya && ya.id));
      if (typeof window.ym === "function" && counter) window.ym(counter, "reachGoal", goal);
    } catch (e) { /* the page's analytics never break the chat */ }
  }

  function emit(event, detail) {
    track(event);
    if (event === "open" || event === "close") {
      launcher.setAttribute("aria-expanded", String(event === "open"));
      host.toggleAttribute("data-open", event === "open");
    }
    (listeners[event] || []).slice().forEach(function (listener) {
      try { listener(detail); } catch (e) { console.error(e); }
    });
  }

  function call(name, args) {
    if (widget) return widget[name].apply(null, args);
    queue.push([name, args]);
    load();
  }

  // Imports and initialises one of the two wasm modules; `low`: at low priority, so it never
  // competes with the page.
  function wasmModule(name, low) {
    var wasm = relay + "/widget/" + name + "_bg.wasm";
    return import(relay + "/widget/" + name + ".js").then(function (module) {
      var source = low && window.fetch ? fetch(wasm, { priority: "low" }) : wasm;
      return module.default({ module_or_path: source }).then(function () { return module; });
    });
  }
  function fetchWindow() {
    windowModule = windowModule || wasmModule("widget").catch(function (e) { windowModule = null; throw e; });
    return windowModule;
  }

  // `idle === true` (not an event): the page module is fetched at low priority.
  function load(idle) {
    if (loading) return loading;
    loading = wasmModule("page", idle === true)
      .then(function (module) {
        module.start(mount, { site: site, relay: relay, lang: tag }, emit, fetchWindow, module);
        widget = module;
        // Replay in order; a call that throws does not stop the ones after it.
        queue.splice(0).forEach(function (entry) {
          try { widget[entry[0]].apply(null, entry[1]); } catch (e) { console.error(e); }
        });
      })
      .catch(function (e) {
        loading = null;
        console.error("Consultant widget failed to load", e);
      });
    return loading;
  }

  window.Consultant = {
    version: 1,
    open: function () { call("open", []); },
    close: function () { call("close", []); },
    toggle: function () { call("toggle", []); },
    show: function () { call("show", []); },
    hide: function () { call("hide", []); },
    setContactInfo: function (contact) { call("setContactInfo", [contact]); },
    setCustomData: function (items) { call("setCustomData", [items]); },
    sendMessage: function (text) { call("sendMessage", [text]); },
    startTrigger: function (id) { call("startTrigger", [id]); },
    identify: function (user) { call("identify", [user]); },
    // A shared computer, a user who signed out of the host site: forget this visitor (token,
    // contact, unsent messages, identity); the next chat is a new visitor's.
    reset: function () {
      var prefix = "consultant:" + site + ":";
      try {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var key = localStorage.key(i);
          if (key && key.indexOf(prefix) === 0) localStorage.removeItem(key);
        }
      } catch (e) { /* storage may be blocked: nothing kept, nothing to forget */ }
      if (widget) widget.reset();
      else queue.push(["reset", []]);
    },
    getState: function () {
      return widget ? widget.getState() : { ready: false, open: false, hidden: false, unread: 0 };
    },
    on: function (event, listener) { (listeners[event] = listeners[event] || []).push(listener); },
    off: function (event, listener) {
      listeners[event] = (listeners[event] || []).filter(function (l) { return l !== listener; });
    }
  };

  early.forEach(function (entry) {
    var method = window.Consultant[entry[0]];
    if (method) method.apply(null, entry[1]);
  });
  // A link from a reply e-mailed to the visitor (`…#consultant-chat`): the chat opens, and the
  // address loses the mark so a reload or a shared link does not open it again.
  if (location.hash === "#consultant-chat") {
    try { history.replaceState(history.state, "", location.pathname + location.search); } catch (e) { /* sandboxed */ }
    window.Consultant.open();
  }

  var host = document.createElement("consultant-widget");
  var root = host.attachShadow({ mode: "open" });
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(
    ":host{all:initial!important;position:fixed!important;z-index:2147483000!important;bottom:0;right:0}" +
    ":host([hidden]){display:none!important}" +
    ".launcher{position:fixed;bottom:20px;right:20px;min-width:56px;height:56px;border-radius:28px;border:0;" +
    "background:var(--accent,#1a5fd6);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);" +
    "display:flex;align-items:center;justify-content:center;gap:8px;font:600 15px system-ui,sans-serif}" +
    ".launcher.labeled{padding:0 20px}" +
    ":host([data-position=left]) .launcher{right:auto;left:20px}" +
    ".badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;" +
    "border-radius:10px;background:#cf222e;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}" +
    ".launcher:focus-visible{outline:3px solid #0969da;outline-offset:3px}" +
    "@media (max-width:480px){:host([data-open]) .launcher{display:none}}"
  );
  root.adoptedStyleSheets = [sheet];
  var mount = document.createElement("div");
  var launcher = document.createElement("button");
  launcher.className = "launcher";
  launcher.type = "button";
  launcher.setAttribute("aria-label", label);
  launcher.setAttribute("aria-expanded", "false");
  launcher.innerHTML =
    '<svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" ' +
    'd="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  launcher.addEventListener("click", function () { window.Consultant.toggle(); });
  // A hand on the launcher: the chat window is likely next, fetch it.
  function warm() { load().then(function () { if (widget) widget.warm(); }); }
  launcher.addEventListener("pointerenter", warm, { once: true });
  launcher.addEventListener("focus", warm, { once: true });
  root.appendChild(mount);
  root.appendChild(launcher);

  var preconnect = document.createElement("link");
  preconnect.rel = "preconnect";
  preconnect.href = relay;
  preconnect.crossOrigin = "";
  document.head.appendChild(preconnect);

  // For the page-impact benchmark: when this tag ran and when the launcher was first painted.
  var timing = { loaderStart: started };
  window.Consultant.timing = timing;
  function attach() {
    document.body.appendChild(host);
    requestAnimationFrame(function () { timing.launcherVisible = performance.now(); });
  }
  if (document.body) attach(); else document.addEventListener("DOMContentLoaded", attach);

  // Idle loading waits for the page's load event and its first paint: a small page is idle
  // before its first paint, and fetching the wasm then delays it (Lighthouse measured FCP
  // +180 ms and LCP +280 ms on the demo shop before this).
  function loadWhenIdle() {
    var started = false;
    var idle = function () {
      if (started) return;
      started = true;
      if ("requestIdleCallback" in window) requestIdleCallback(function () { load(true); }, { timeout: 4000 });
      else load(true);
    };
    try {
      if (performance.getEntriesByType("paint").length) return idle();
      new PerformanceObserver(function (list, observer) {
        observer.disconnect();
        setTimeout(idle, 0);
      }).observe({ type: "paint" });
    } catch (e) { /* no Paint Timing: the timer below */ }
    setTimeout(idle, 3000);
  }
  if (queue.length) load();
  else if (document.readyState === "complete") loadWhenIdle();
  else window.addEventListener("load", loadWhenIdle, { once: true });
})();
