// The self-host upgrade, run as docs/deploy.md prints it. A clone of this repository is
// installed the documented way (as /opt/online-consultant would be) and serves a chat with a
// visitor and an operator connected; upstream gets a new commit; the documented upgrade block
// runs with `systemctl` standing in for systemd. The old version serves while the new one
// builds, the new one serves after the restart, and the conversation is all there.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { ROOT, postJson, signIn } from "../support/relay.mjs";
import { openSocket } from "../support/socket.mjs";

const PORT = 8829;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const work = mkdtempSync(join(tmpdir(), "consultant-upgrade-"));
const upstream = join(work, "upstream");
const install = join(work, "opt/online-consultant");
const service = join(work, "service"); // the stand-in systemd's pid file and journal
const envFile = join(work, "online-consultant.env");

after(() => {
  try {
    process.kill(-Number(readFileSync(join(service, "pid"), "utf8")), "SIGKILL");
  } catch { /* not running */ }
  rmSync(work, { recursive: true, force: true });
});

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  assert.equal(result.status, 0, `${command} ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
};
const git = (dir, ...args) => run("git", ["-C", dir, "-c", "user.name=Upstream", "-c", "user.email=upstream@test", ...args]);

/** The block under "**Upgrades**, as root" of the one-server section, line by line. */
function documentedUpgrade() {
  const doc = readFileSync(join(ROOT, "docs/deploy.md"), "utf8");
  const section = doc.slice(doc.indexOf("## One server"));
  const block = section.slice(section.indexOf("**Upgrades**, as root")).match(/```sh\n([\s\S]*?)```/);
  assert.ok(block, "docs/deploy.md has the upgrade block");
  return block[1];
}

/**
 * `systemctl start|restart online-consultant` as systemd does it for selfhost's unit: the
 * EnvironmentFile's settings, SIGTERM to the main process only (KillMode=mixed), SIGKILL to
 * what is left after TimeoutStopSec, and "started" as soon as ExecStart is forked.
 */
function standInSystemctl() {
  const bin = join(work, "bin");
  mkdirSync(bin, { recursive: true });
  mkdirSync(service, { recursive: true });
  writeFileSync(join(bin, "systemctl"), `#!/usr/bin/env bash
set -euo pipefail
case "$*" in "start online-consultant" | "restart online-consultant") ;; *) echo "systemctl stand-in: not '$*'" >&2; exit 1 ;; esac
if [ "$1" = restart ] && [ -f "${service}/pid" ]; then
  pid="$(cat "${service}/pid")"
  date +%s%3N > "${service}/stopping"
  kill -TERM "$pid" 2>/dev/null || true
  # Exited, or a zombie nobody reaps yet (systemd, its parent, would at once; here it was orphaned).
  for _ in $(seq 1 200); do case "$(ps -o stat= -p "$pid")" in "" | Z*) break ;; esac; sleep 0.05; done
  kill -KILL -- -"$pid" 2>/dev/null || true
  date +%s%3N > "${service}/stopped"
fi
set -a; source "${envFile}"; set +a
cd "${install}"
setsid "${install}/selfhost/start" >>"${service}/journal" 2>&1 </dev/null &
echo $! > "${service}/pid"
`, { mode: 0o755 });
  return bin;
}

async function healthy(timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${ORIGIN}/api/v1/health`)).ok) return true;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Opens the visitor's socket; resolves with it and its welcome. */
function visitorSocket(site, visitor) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${PORT}/api/v1/sites/${site}/conversations/${visitor.conversation}/visitor-socket?token=${visitor.token}`);
    ws.on("error", reject);
    ws.on("message", function first(data) {
      const frame = JSON.parse(String(data));
      if (frame.type === "welcome") (ws.off("message", first), resolve({ ws, welcome: frame }));
    });
  });
}
const acked = (ws, clientId) => new Promise((resolve) => ws.on("message", (data) => {
  const frame = JSON.parse(String(data));
  if (frame.type === "ack" && frame.client_id === clientId) resolve(frame);
}));

test("the documented upgrade (pull, setup, build, restart) serves the new version, old files until the restart, and keeps the chat", { timeout: 600_000 }, async () => {
  // Upstream and the server's clone of it.
  run("git", ["clone", "--quiet", ROOT, upstream]);
  run("git", ["clone", "--quiet", upstream, install]);
  // The documented install (`scripts/setup && scripts/build`) made what this machine already
  // has: the tools and packages (hard links, nothing downloaded), the Rust build cache, and the
  // build of this commit.
  run("cp", ["-al", join(ROOT, ".tools"), join(ROOT, "node_modules"), install]);
  utimesSync(join(install, "node_modules/.package-lock.json"), new Date(), new Date());
  // A copy of the build cache (never a link: two checkouts writing one cache would leave it
  // describing the other's files).
  const cache = join("target", "wasm32-unknown-unknown", "release");
  mkdirSync(join(install, cache), { recursive: true });
  run("cp", ["-a", join(ROOT, cache, "."), join(install, cache)]);
  cpSync(join(ROOT, "dist/public"), join(install, "dist/public"), { recursive: true });
  cpSync(join(ROOT, "edge/build"), join(install, "edge/build"), { recursive: true });

  const secrets = { TOKEN_SECRET: randomBytes(32).toString("base64url"), BOOTSTRAP_TOKEN: randomBytes(24).toString("base64url") };
  writeFileSync(envFile, Object.entries({
    ...secrets,
    LISTEN: `127.0.0.1:${PORT}`,
    STATE_DIR: join(work, "state"),
  }).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  const bin = standInSystemctl();
  // FAST=1: the build skips wasm-opt (the same commands, a shorter CI run).
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAST: "1" };
  run("systemctl", ["start", "online-consultant"], { env });
  assert.ok(await healthy(20_000), readFileSync(join(service, "journal"), "utf8"));

  // The first owner and site, a visitor's message, and an operator watching the inbox.
  const owner = { email: "owner@shop.test", password: randomBytes(9).toString("base64url") };
  run(join(install, "selfhost/bootstrap"), [envFile, ORIGIN], {
    env: { PATH: process.env.PATH, OWNER_EMAIL: owner.email, OWNER_NAME: "Anna", OWNER_PASSWORD: owner.password, SITE: "shop", SITE_NAME: "Teapot Shop" },
  });
  const session = await signIn({ origin: ORIGIN }, owner);
  const visitor = (await postJson({ origin: ORIGIN }, "/api/v1/sites/shop/visitors", {})).json;
  const before = await visitorSocket("shop", visitor);
  const first = acked(before.ws, "before-1");
  before.ws.send(JSON.stringify({ type: "send", client_id: "before-1", text: "Written before the upgrade" }));
  await first;
  const inbox = await openSocket(`ws://127.0.0.1:${PORT}/api/v1/sites/shop/inbox-socket?token=${session.token}`);

  // Upstream moves on: a visible change to the demo shop.
  const release = `release-${randomBytes(4).toString("hex")}`;
  const page = join(upstream, "demo-site/index.html");
  writeFileSync(page, readFileSync(page, "utf8").replace("<head>", `<head>\n<meta name="release" content="${release}">`));
  git(upstream, "commit", "--quiet", "-am", "A new release");

  // While the upgrade runs, the loader and the demo page are fetched every 100 ms.
  const seen = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const at = Date.now();
      try {
        const [loader, demo] = await Promise.all([fetch(`${ORIGIN}/widget.js`), fetch(`${ORIGIN}/demo/index.html`)]);
        seen.push({ at, loader: loader.status, demo: demo.status, released: (await demo.text()).includes(release) });
      } catch {
        seen.push({ at, down: true });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = Date.now();
  const upgrade = spawn("bash", ["-euo", "pipefail", "-c", documentedUpgrade().replaceAll("/opt/online-consultant", install)], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  upgrade.stdout.on("data", (d) => (output += d));
  upgrade.stderr.on("data", (d) => (output += d));
  const status = await new Promise((resolve) => upgrade.on("exit", resolve));
  assert.equal(status, 0, output);
  assert.ok(await healthy(20_000), readFileSync(join(service, "journal"), "utf8"));
  await new Promise((r) => setTimeout(r, 300));
  polling = false;
  await poller;

  const stopping = Number(readFileSync(join(service, "stopping"), "utf8"));
  const back = seen.find((s) => s.at > stopping && !s.down && s.loader === 200);
  assert.ok(back, "serving again after the restart");
  const gap = back.at - stopping;
  const stopped = Number(readFileSync(join(service, "stopped"), "utf8")) - stopping;
  console.log(`upgrade: ${((stopping - started) / 1000).toFixed(1)} s of pull, setup and build with the old version serving; stopped in ${stopped} ms, serving again ${gap} ms after the stop began`);
  assert.ok(gap <= 5000, `back within 5 s of the stop (${gap} ms)`);
  // Before the restart: the old version, whole, at every poll.
  const building = seen.filter((s) => s.at < stopping);
  assert.ok(building.length > 10, "polled while building");
  assert.deepEqual(building.filter((s) => s.down || s.loader !== 200 || s.demo !== 200 || s.released), [], "the old version served until the restart");
  // After it: the new one.
  assert.ok(seen.filter((s) => s.at > back.at).every((s) => s.released && s.loader === 200), "the new version served after the restart");
  assert.match(git(install, "log", "-1", "--format=%s"), /A new release/);

  // Both sides were dropped by the restart and come back to the whole conversation.
  await new Promise((resolve) => (before.ws.readyState === WebSocket.CLOSED ? resolve() : before.ws.once("close", resolve)));
  await inbox.closed();
  const again = await visitorSocket("shop", visitor);
  const second = acked(again.ws, "after-1");
  again.ws.send(JSON.stringify({ type: "send", client_id: "after-1", text: "Written after the upgrade" }));
  await second;
  const resumed = await visitorSocket("shop", visitor);
  const texts = resumed.welcome.messages.map((m) => m.text);
  assert.deepEqual(texts.filter((t) => /the upgrade/.test(t)), ["Written before the upgrade", "Written after the upgrade"]);
  const operator = await openSocket(`ws://127.0.0.1:${PORT}/api/v1/sites/shop/inbox-socket?token=${session.token}`);
  await operator.close();
  again.ws.close();
  resumed.ws.close();
});
