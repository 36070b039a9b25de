// A client that stops reading (issue 15's remote crash): a member of chat:lobby that never reads
// while another member sends as fast as acks come back, and a user who never reads while the REST
// API emits to them. The slow consumer's session ends ("queue overflow"); the server, and every
// other client, goes on.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { binary, startServer, waitUntil } from "../support/fixture.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-slow-"));
const apiKey = "slow-consumer-api-key-0123456789";
const configFile = path.join(dir, "switchboard.toml");
// The development secret makes the demo's lobby room, as a new user would try it. Small queues
// and big messages reach the overflow in a few hundred messages instead of thousands; the event
// limit is raised so that the sender goes as fast as its acks come back.
fs.writeFileSync(configFile, `
[server]
port = 0
data_dir = "${dir}/var"
[auth]
jwt_secret = "development-only-secret-do-not-deploy-0123456789abcdef0123456789"
[api]
keys = { tests = "${apiKey}" }
[chat]
max_text = 60000
[limits]
outbound_packets = 64
events_per_second = 100000
`);

const token = (user) => execFileSync(binary("switchboard"), ["token", "--config", configFile, "--user", user], { encoding: "utf8" }).trim();
const bigText = "x".repeat(50_000);

let server;
const open = [];
before(async () => {
  server = await startServer("switchboard", ["serve", "--config", configFile]);
});
after(async () => {
  for (const s of open) (s instanceof WebSocket ? s.terminate() : s.disconnect());
  await server.stop();  // fails on a crash or a sanitizer report
  fs.rmSync(dir, { recursive: true, force: true });
});

// A raw Socket.IO client over WebSocket that connects, optionally joins a chat room, then stops
// reading: its TCP receive window fills and the server's queue for it grows.
async function quietClient(user, room) {
  const ws = new WebSocket(`${server.ws}/socket.io/?EIO=4&transport=websocket`);
  open.push(ws);
  const messages = [];
  let wake = () => {};
  ws.on("message", (data) => { messages.push(String(data)); wake(); });
  const next = async (prefix) => {
    for (;;) {
      const i = messages.findIndex((m) => m.startsWith(prefix));
      if (i >= 0) return messages.splice(i, 1)[0];
      await new Promise((resolve) => { wake = resolve; });
    }
  };
  await next("0{");
  ws.send(`40${JSON.stringify({ token: token(user) })}`);
  await next("40{");
  if (room) {
    ws.send(`421${JSON.stringify(["chat:join", { roomId: room }])}`);
    assert.match(await next("431"), /"ok":true/);
  }
  ws._socket.pause();  // stop reading
  return ws;
}

const metric = async (name) => {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
};

describe("slow consumers", () => {
  it("survives a chat member that stops reading while another floods the room", { timeout: 120_000 }, async () => {
    await quietClient("demo", "lobby");
    const sender = io(server.base, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token: token("demo") } });
    open.push(sender);
    await once(sender, "connect");
    sender.on("chat:message", () => {});
    assert.equal((await sender.emitWithAck("chat:join", { roomId: "lobby" })).ok, true);
    const overflowsBefore = await metric("switchboard_queue_overflows_total");
    for (let i = 0; i < 400; i++) {
      const ack = await sender.emitWithAck("chat:send", { roomId: "lobby", text: bigText });
      assert.equal(ack.ok, true, JSON.stringify(ack));
    }
    await waitUntil(async () => (await metric("switchboard_queue_overflows_total")) > overflowsBefore, 30_000, "a queue overflow");
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
    assert.equal(sender.connected, true);
  });

  it("survives REST emits to a user who stops reading", { timeout: 120_000 }, async () => {
    await quietClient("mute");
    const overflowsBefore = await metric("switchboard_queue_overflows_total");
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${server.base}/api/v1/emit`, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ event: "notice", data: { text: bigText }, users: ["mute"] }),
      });
      assert.equal(res.status, 202);
    }
    await waitUntil(async () => (await metric("switchboard_queue_overflows_total")) > overflowsBefore, 30_000, "a queue overflow");
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
  });
});
