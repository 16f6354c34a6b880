// Load benchmark (not a test): against a local relay (wrangler dev = workerd), V visitors each
// in a chat with one of O operators exchange messages at a target rate; reports messages/s
// sustained, visitor → operator latency p50/p95/p99, the relay's peak memory (its whole process
// tree), workerd's CPU time per message (from /proc), then how many visitor sockets it holds
// at once.
//
//   node tests/bench/load.mjs [--visitors 200] [--operators 10] [--rate 1000] [--seconds 20] [--hold 10000] [--selfhost]
//
// Client and relay share this machine, so the numbers are a floor for the relay, not a ceiling.
import { readFileSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import WebSocket from "ws";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSelfhost } from "../support/selfhost.mjs";
import { ticketUrl } from "../support/socket.mjs";
import { relayFixture, startRelay, bootstrap, signIn, postJson, siteSettings, putSettings } from "../support/relay.mjs";

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const VISITORS = arg("visitors", 200);
const OPERATORS = arg("operators", 10);
const RATE = arg("rate", 1000);
const SECONDS = arg("seconds", 20);
const HOLD = arg("hold", 10000);
const PORT = 8796;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A process and all its descendants (wrangler → workerd). */
function processTree(root) {
  const parents = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone */ }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) if (tree.has(parent) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  return [...tree];
}

/** Resident memory (KB) of a process tree. */
function treeRss(root) {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch { /* gone */ }
  }
  return kb;
}

/** Open file descriptors of a process tree (sockets plus each Durable Object's SQLite files). */
function treeFds(root) {
  let fds = 0;
  for (const pid of processTree(root)) {
    try {
      fds += readdirSync(`/proc/${pid}/fd`).length;
    } catch { /* gone */ }
  }
  return fds;
}

/** CPU time (ms, user + system) spent so far by the workerd processes of a tree: wrangler dev
 *  shows no per-request CPU time, so the benchmark divides this by the messages delivered. */
function workerdCpuMs(root) {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(workerd)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch { /* gone */ }
  }
  return (ticks * 1000) / ticksPerSecond;
}

/** This process's soft limit on open files (the relay inherits it). */
const fdLimit = () => /Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? "?";

/** Runs `tasks` (functions returning promises) with at most `limit` at a time. */
async function pool(tasks, limit) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]().catch((e) => e);
    }
  }));
  return results;
}

async function open(url, onFrame) {
  url = await ticketUrl(url);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("message", (d) => {
      const frame = JSON.parse(String(d));
      if (frame.type === "welcome") resolve(ws);
      onFrame?.(frame);
    });
    ws.on("error", reject);
    ws.on("unexpected-response", (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const fixture = relayFixture();
const unlimited = "1000000/60000000";
const rates = { RATE_VISITOR_MESSAGES: unlimited, RATE_NEW_VISITORS_PER_IP: unlimited, RATE_UPLOADS_PER_IP: unlimited };
// --selfhost: the relay under plain workerd (selfhost/start) instead of wrangler dev.
const relay = process.argv.includes("--selfhost")
  ? await startSelfhost(PORT, mkdtempSync(join(tmpdir(), "consultant-load-")), { ...fixture.secrets, ...rates })
  : await startRelay(fixture, PORT, rates);
let peakKb = 0;
const sampler = setInterval(() => (peakKb = Math.max(peakKb, treeRss(relay.pid))), 250);
const sockets = [];
try {
  const owner = await signIn(relay, await bootstrap(relay, fixture));
  const settings = siteSettings({ departments: [], contact_form: { mode: "never" }, routing: { auto_assign: false, operators: [], regions: [] } });
  await putSettings(relay, owner.token, settings);
  const operators = [];
  for (let i = 0; i < OPERATORS; i++) {
    const who = { name: `Op ${i}`, email: `op${i}@bench.test`, password: `op-password-${i}`, role: "admin" };
    await postJson(relay, "/api/v1/sites/demo/operators", who, { Authorization: `Bearer ${owner.token}` });
    operators.push(await signIn(relay, who));
  }

  // Visitors, each with a chat an operator has open.
  const latencies = [];
  let received = 0;
  const onOperatorFrame = (frame) => {
    if (frame.type === "message" && frame.message.author.kind === "visitor" && frame.message.text.startsWith("t:")) {
      latencies.push(performance.now() - Number(frame.message.text.split(":")[1]));
      received += 1;
    }
  };
  let t0 = performance.now();
  const visitors = await pool(Array.from({ length: VISITORS }, (_, i) => async () => {
    const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
    const ws = await open(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
    sockets.push(ws);
    ws.send(JSON.stringify({ type: "send", client_id: `hello-${i}`, text: "hello" }));
    await new Promise((r) => ws.on("message", (d) => JSON.parse(String(d)).type === "ack" && r()));
    const op = operators[i % OPERATORS];
    sockets.push(await open(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/operator-socket?token=${op.token}`, onOperatorFrame));
    return ws;
  }), 16);
  const chats = visitors.filter((v) => v instanceof WebSocket);
  console.log(`set up ${chats.length} chats with ${OPERATORS} operators in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Messages at the target rate, spread over the visitors.
  const cpuBefore = workerdCpuMs(relay.pid);
  let sent = 0;
  t0 = performance.now();
  const tickMs = 10;
  while (performance.now() - t0 < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE) - sent;
    for (let k = 0; k < due; k++) {
      const ws = chats[sent % chats.length];
      ws.send(JSON.stringify({ type: "send", client_id: `m${sent}`, text: `t:${performance.now()}:${sent}` }));
      sent += 1;
    }
    await sleep(tickMs);
  }
  const sendSeconds = (performance.now() - t0) / 1000;
  const deadline = performance.now() + 10_000;
  while (received < sent && performance.now() < deadline) await sleep(50);
  const drainSeconds = (performance.now() - t0) / 1000;
  const cpuMs = workerdCpuMs(relay.pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const results = {
    machine: `${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GB`,
    visitors: chats.length,
    operators: OPERATORS,
    "target msgs/s": RATE,
    sent,
    delivered: received,
    "sustained msgs/s": Math.round(received / drainSeconds),
    "offered msgs/s": Math.round(sent / sendSeconds),
    "p50 ms": percentile(latencies, 50)?.toFixed(1),
    "p95 ms": percentile(latencies, 95)?.toFixed(1),
    "p99 ms": percentile(latencies, 99)?.toFixed(1),
    "peak relay memory MB (chat phase)": (peakKb / 1024).toFixed(0),
    "workerd CPU ms per message (all threads)": received ? (cpuMs / received).toFixed(2) : "-",
  };
  console.table(results);

  // How many visitor sockets the relay holds at once (sessions opened 32 at a time).
  if (HOLD > 0) {
    t0 = performance.now();
    let held = chats.length;
    let failures = 0;
    let peakFds = 0;
    const batch = 500;
    for (let start = held; start < HOLD && failures < 50; start += batch) {
      const opened = await pool(Array.from({ length: Math.min(batch, HOLD - start) }, () => async () => {
        const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
        const ws = await open(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
        sockets.push(ws);
        return ws;
      }), 32);
      held += opened.filter((w) => w instanceof WebSocket).length;
      const failed = opened.filter((w) => !(w instanceof WebSocket));
      if (failed.length && !failures) {
        console.log(`\nfirst failure: ${failed[0]?.message ?? failed[0]}; relay fds ${peakFds}, limit ${fdLimit()}`);
        console.log(relay.output().split("\n").filter(Boolean).slice(-5).join("\n"));
      }
      failures += failed.length;
      const openNow = sockets.filter((w) => w.readyState === WebSocket.OPEN).length;
      peakFds = Math.max(peakFds, treeFds(relay.pid));
      process.stdout.write(`\rheld ${held} visitor sockets (${openNow} sockets open in all), ${failures} failures, ${((performance.now() - t0) / 1000).toFixed(0)} s, relay ${(treeRss(relay.pid) / 1024).toFixed(0)} MB, ${peakFds} fds   `);
    }
    console.log();
    console.table({
      "visitor sockets held": held,
      failures,
      "peak relay memory MB": (peakKb / 1024).toFixed(0),
      "peak relay file descriptors": peakFds,
      "file descriptor limit": fdLimit(),
    });
  }
} finally {
  clearInterval(sampler);
  for (const ws of sockets) ws.terminate();
  await relay.stop();
}
