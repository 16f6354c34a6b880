// Starts the real relay (`wrangler dev`, i.e. workerd) on 127.0.0.1 for a test, with its own
// secrets and persisted state directory, and stops it again.
import { spawn } from "node:child_process";
import { randomBytes, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

/** Fresh secrets and a fresh state directory for one test file. */
export function relayFixture() {
  const dir = mkdtempSync(join(tmpdir(), "consultant-test-"));
  const secrets = {
    TOKEN_SECRET: randomBytes(32).toString("base64url"),
    BOOTSTRAP_TOKEN: randomBytes(24).toString("base64url"),
    VAPID_PRIVATE_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }).d,
  };
  const envFile = join(dir, "test.env");
  writeFileSync(envFile, Object.entries(secrets).map(([k, v]) => `${k}=${v}\n`).join(""));
  return { dir, envFile, persistTo: join(dir, "state"), secrets };
}

async function healthy(origin) {
  try {
    const response = await fetch(`${origin}/api/v1/health`);
    if (response.status === 503) {
      // The relay runs but refuses its configuration: no use waiting.
      const error = new Error(`relay refused its configuration: ${(await response.json()).error}`);
      error.misconfigured = true;
      throw error;
    }
    return response.ok;
  } catch (e) {
    if (e.misconfigured) throw e;
    return false;
  }
}

/**
 * Rate limits for tests: every client here is 127.0.0.1, and suites create visitors and send
 * messages far faster than people do. The limits test passes its own, low ones.
 */
const TEST_RATES = {
  RATE_VISITOR_MESSAGES: "1000/60000",
  RATE_OPERATOR_COMMANDS: "1000/60000",
  RATE_NEW_VISITORS_PER_IP: "1000/60000",
  RATE_UPLOADS_PER_IP: "1000/60000",
  RATE_SIGN_IN_PER_IP: "1000/60000",
};

/** Starts `wrangler dev` and resolves once /api/v1/health answers. `vars` override `[vars]`;
 *  `logLevel: "log"` shows the relay's own (JSON-line) logs in `output()`. */
export async function startRelay(fixture, port, vars = {}, { logLevel = "warn" } = {}) {
  const varArgs = Object.entries({ ALLOW_DEV_HEADERS: "true", ...TEST_RATES, ...vars }).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const origin = `http://127.0.0.1:${port}`;
  if (await healthy(origin)) throw new Error(`port ${port} is already serving a relay`);
  const child = spawn(
    WRANGLER,
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", fixture.persistTo,
      "--env-file", fixture.envFile, ...varArgs, "--log-level", logLevel, "--show-interactive-dev-session=false"],
    {
      cwd: join(ROOT, "edge"),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        WRANGLER_HIDE_BANNER: "true",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
        NO_UPDATE_NOTIFIER: "1",
      },
    },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((res) => child.once("exit", res));
  const deadline = Date.now() + 60_000;
  const kill = () => child.exitCode === null && process.kill(-child.pid, "SIGKILL");
  while (!(await healthy(origin).catch((e) => (kill(), Promise.reject(e))))) {
    if (child.exitCode !== null) throw new Error(`relay exited:\n${output}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid, "SIGKILL");
      throw new Error(`relay did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    pid: child.pid,
    wsOrigin: origin.replace("http", "ws"),
    output: () => output,
    stop: () => stopGroup(child, exited),
  };
}

/** Stops a detached child and its process group: SIGTERM, then SIGKILL after 5 s. */
export async function stopGroup(child, exited) {
  if (child.exitCode !== null) return;
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Creates the owner and the demo site; returns the owner's credentials. */
export async function bootstrap(relay, fixture) {
  const owner = { email: "owner@demo.test", password: randomBytes(9).toString("base64url") };
  const response = await fetch(`${relay.origin}/api/v1/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${fixture.secrets.BOOTSTRAP_TOKEN}` },
    body: JSON.stringify({
      owner_email: owner.email,
      owner_name: "Anna Petrova",
      owner_password: owner.password,
      site: "demo",
      site_name: "Teapot Shop",
    }),
  });
  if (response.status !== 204) throw new Error(`bootstrap: ${response.status} ${await response.text()}`);
  return owner;
}

export async function postJson(relay, path, body, headers = {}) {
  const response = await fetch(`${relay.origin}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json, text };
}

export async function signIn(relay, owner) {
  const session = await postJson(relay, "/api/v1/auth/sign-in", owner);
  if (session.status !== 200) throw new Error(`sign-in: ${session.status} ${session.text}`);
  return session.json;
}

/** The demo shop's settings without trigger rules, with `changes` applied on top. */
export function siteSettings(changes = {}) {
  const base = JSON.parse(readFileSync(join(ROOT, "demo-site/settings.json"), "utf8"));
  return { ...base, triggers: [], ...changes };
}

export async function putSettings(relay, token, settings) {
  const response = await fetch(`${relay.origin}/api/v1/sites/demo/settings`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(settings),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

export async function outbox(relay, token) {
  const response = await fetch(`${relay.origin}/api/v1/sites/demo/outbox`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`outbox: ${response.status}`);
  return response.json();
}

/** Polls the site's outbox until an e-mail matching `match` is there. */
export async function waitForMail(relay, token, match, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = (await outbox(relay, token)).find(match);
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error("no matching e-mail in the outbox");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Any request to the relay with an operator's (or nobody's) token: status, JSON, text. */
export async function call(relay, method, path, token, body, headers = {}) {
  const response = await fetch(`${relay.origin}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, json, text, headers: response.headers };
}

/**
 * The newest conversation whose messages hold `words`, as `token`'s history finds it, once
 * `ready(summary)` holds; polls for up to `timeoutMs`.
 */
export async function chatWithWords(relay, token, words, ready = () => true, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let summary;
  while (Date.now() < deadline) {
    const found = await call(relay, "GET", `/api/v1/sites/demo/history?text=${encodeURIComponent(words)}`, token);
    summary = found.json.conversations?.[0];
    if (summary && ready(summary)) return summary;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no conversation with ${JSON.stringify(words)} ready: ${JSON.stringify(summary?.state)}`);
}
