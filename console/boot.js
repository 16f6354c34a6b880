// Starts the console (a file of its own: the console's CSP allows no inline script).
import init, { start } from "./console.js";
await init({ module_or_path: "./console_bg.wasm" });
start();
