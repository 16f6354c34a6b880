// Starts the system the self-host way (selfhost/start: plain workerd, no wrangler) for a test.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT, stopGroup } from "./relay.mjs";

/** Resolves once selfhost/start reports it is serving; rejects with its output if it exits. */
export function startSelfhost(port, stateDir, env) {
  const child = spawn(join(ROOT, "selfhost/start"), [], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LISTEN: `127.0.0.1:${port}`, STATE_DIR: stateDir, ...env },
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    const take = (data) => {
      output += data;
      if (output.includes('"event":"relay.serving"')) {
        resolve({
          origin: `http://127.0.0.1:${port}`,
          pid: child.pid,
          wsOrigin: `ws://127.0.0.1:${port}`,
          output: () => output,
          stop: () => stopGroup(child, exited),
        });
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    exited.then((code) => reject(Object.assign(new Error(`selfhost/start exited (${code}):\n${output}`), { output })));
  });
}
