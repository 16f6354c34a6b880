// Starts the console (a file of its own: the console's CSP allows no inline script).
const theme = localStorage.getItem("consultant:console:theme");
if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
if ("serviceWorker" in navigator) navigator.serviceWorker.register("./sw.js").catch(() => {});
import init, { start } from "./console.js";
await init({ module_or_path: "./console_bg.wasm" });
start();
