// Seeds a conversation for benchmarks: a new visitor who writes `count` messages
// (`text(i)`, i from 1), each acknowledged by the relay.
import WebSocket from "ws";
import { postJson } from "./relay.mjs";

/** Resolves with the visitor's session ({ token, conversation, ... }). */
export async function visitorWithMessages(relay, count, text) {
  const v = (await postJson(relay, "/api/v1/sites/demo/visitors", {})).json;
  const ws = new WebSocket(`${relay.wsOrigin}/api/v1/sites/demo/conversations/${v.conversation}/visitor-socket?token=${v.token}`);
  await new Promise((resolve) => ws.on("message", function first(data) {
    if (JSON.parse(String(data)).type === "welcome") (ws.off("message", first), resolve());
  }));
  let acked = 0;
  const done = new Promise((resolve) => ws.on("message", (data) => {
    if (JSON.parse(String(data)).type === "ack" && ++acked === count) resolve();
  }));
  for (let i = 1; i <= count; i++) ws.send(JSON.stringify({ type: "send", client_id: `seed-${i}`, text: text(i) }));
  await done;
  ws.close();
  return v;
}
