// Long-polling without sticky sessions: three `switchboard serve` nodes over Redis behind a load
// balancer that sends each HTTP request and each upgrade to the next node in turn. The session id
// names its node, and any other node relays the request (or tunnels the upgrade) to it. The
// official clients (socket.io-client, python-socketio, the demo page in Chromium) connect over
// polling only and over polling then WebSocket, exchange events and acks, and reconnect 100 times
// without one "Session ID unknown". Then the same balancer in front of Node.js socket.io nodes:
// polling fails there, which is why Node deployments need sticky sessions.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createClient } from "redis";
import { io } from "socket.io-client";
import { binary, startServer, waitUntil } from "../support/fixture.mjs";
import { startRedis } from "../support/redis.mjs";
import { startRoundRobinProxy } from "../support/round_robin_proxy.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const devConfig = path.join(root, "config/dev.toml");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-no-sticky-"));
const apiKey = "development-api-key-0123456789";
const TIMEOUT = 10000;

let redis;
let nodes = [];
let proxy;
before(async () => {
  redis = await startRedis();
  for (const name of ["a", "b", "c"]) {
    nodes.push(await startServer("switchboard", ["serve", "--config", devConfig, "--port", "0",
      "--set", `server.data_dir=${path.join(dir, name)}`, "--set", `cluster.redis=${redis.url}`]));
  }
  proxy = await startRoundRobinProxy(nodes.map((n) => n.port));
  // Every node has written its record: relays to it can find it.
  const client = createClient({ url: redis.url });
  await client.connect();
  await waitUntil(async () => (await client.keys("socket.io:node:*")).length === nodes.length, 15000, "every node's record");
  await client.quit();
});
after(async () => {
  await proxy?.stop();
  for (const node of nodes) await node.stop();
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const token = (user) => execFileSync(binary("switchboard"), ["token", "--config", devConfig, "--user", user], { encoding: "utf8" }).trim();

async function connect(user, transports) {
  const socket = io(proxy.base, { transports, auth: { token: token(user) }, reconnection: false, forceNew: true });
  await Promise.race([
    once(socket, "connect"),
    once(socket, "connect_error").then(([error]) => { throw new Error(`connect_error: ${error.message}`); }),
  ]);
  return socket;
}

const within = (promise, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT)),
]);

describe("switchboard nodes behind a balancer without stickiness", () => {
  it("socket.io-client over polling only: events and acks, across nodes", async () => {
    const alice = await connect("demo", ["polling"]);
    const bob = await connect("demo", ["polling"]);
    assert.equal(alice.io.engine.transport.name, "polling");
    assert.match(alice.io.engine.id, /^[\w-]{8}\.[\w-]{20}$/);  // <node>.<session>
    for (const socket of [alice, bob]) {
      assert.equal((await socket.timeout(TIMEOUT).emitWithAck("chat:join", { roomId: "lobby" })).ok, true);
    }
    const heard = once(bob, "chat:message");
    const sent = await alice.timeout(TIMEOUT).emitWithAck("chat:send", { roomId: "lobby", text: "over polling" });
    assert.equal(sent.ok, true);
    assert.equal((await within(heard, "bob hears alice"))[0].text, "over polling");
    alice.disconnect();
    bob.disconnect();
  });

  it("socket.io-client over polling, then upgraded to WebSocket through another node", async () => {
    const socket = await connect("demo", ["polling", "websocket"]);
    if (socket.io.engine.transport.name !== "websocket") await within(once(socket.io.engine, "upgrade"), "upgrade");
    assert.equal(socket.io.engine.transport.name, "websocket");
    assert.equal((await socket.timeout(TIMEOUT).emitWithAck("chat:join", { roomId: "lobby" })).ok, true);
    const notice = once(socket, "notice");
    const res = await fetch(`${proxy.base}/api/v1/emit`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ event: "notice", data: { text: "to carol" }, users: ["demo"] }),
    });
    assert.equal(res.status, 202);
    assert.deepEqual((await within(notice, "carol's notice"))[0], { text: "to carol" });
    socket.disconnect();
  });

  it("reconnects 100 times without one Session ID unknown", async () => {
    const before = proxy.sessionIdUnknown();
    const user = token("demo");
    for (let i = 0; i < 100; i += 1) {
      const transports = i % 2 === 0 ? ["polling"] : ["polling", "websocket"];
      const socket = io(proxy.base, { transports, auth: { token: user }, reconnection: false, forceNew: true });
      const [error] = await Promise.race([once(socket, "connect").then(() => []), once(socket, "connect_error")]);
      assert.equal(error, undefined, `round ${i}: ${error?.message}`);
      assert.equal((await socket.timeout(TIMEOUT).emitWithAck("chat:join", { roomId: "lobby" })).ok, true, `round ${i}`);
      socket.disconnect();
    }
    assert.equal(proxy.sessionIdUnknown() - before, 0);
  });

  it("python-socketio over polling only and over polling then WebSocket", async () => {
    // Asynchronously: the balancer runs in this process and must go on answering meanwhile.
    const child = spawn("/usr/bin/python3", [path.join(here, "python_no_sticky.py"), proxy.base, token("demo")]);
    let output = "";
    child.stdout.on("data", (chunk) => { output += chunk; });
    child.stderr.on("data", (chunk) => { output += chunk; });
    const [code] = await once(child, "exit");
    assert.equal(code, 0, output);
    assert.match(output, /\b3 passed, 0 failed/);
  });

  it("the demo page in Chromium, through the balancer", async () => {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const pages = [];
      for (let i = 0; i < 2; i += 1) {
        const page = await (await browser.newContext()).newPage();
        await page.goto(`${proxy.base}/`);
        await page.waitForFunction(() => document.getElementById("room-state").textContent === "joined");
        pages.push(page);
      }
      await pages[0].waitForFunction(() => document.getElementById("transport").textContent === "over websocket");
      await pages[0].fill("#text", "hello through the balancer");
      await pages[0].click("#send-form button");
      await pages[1].waitForFunction(() => document.getElementById("messages").textContent.includes("hello through the balancer"));
    } finally {
      await browser.close();
    }
  });

  it("spread every request over the nodes, and relayed them to their owners", async () => {
    assert.ok(proxy.stats.requests.every((n) => n > 50), `requests per node: ${proxy.stats.requests}`);
    assert.ok(proxy.stats.upgrades.every((n) => n > 10), `upgrades per node: ${proxy.stats.upgrades}`);
    assert.equal(proxy.sessionIdUnknown(), 0);
    let relayed = 0;
    for (const node of nodes) {
      const metrics = await (await fetch(`${node.base}/metrics`)).text();
      relayed += Number(/^switchboard_relayed_requests_total (\d+)$/m.exec(metrics)[1]);
      assert.match(metrics, /^switchboard_relay_failures_total\{reason="unreachable"\} 0$/m);
    }
    assert.ok(relayed > 100, `relayed: ${relayed}`);
  });
});

describe("Node.js socket.io nodes behind the same balancer (the contrast)", () => {
  let nodeServers = [];
  let nodeProxy;
  before(async () => {
    for (const name of ["n1", "n2"]) {
      nodeServers.push(await startServer(process.execPath, [path.join(here, "node_server.mjs"), "--redis", redis.url, "--name", name]));
    }
    nodeProxy = await startRoundRobinProxy(nodeServers.map((n) => n.port));
  });
  after(async () => {
    await nodeProxy?.stop();
    for (const server of nodeServers) await server.stop();
  });

  it("fails over polling with Session ID unknown: the reference needs sticky sessions", async () => {
    const socket = io(nodeProxy.base, { transports: ["polling"], reconnection: false, forceNew: true });
    const [error] = await within(Promise.race([once(socket, "connect").then(() => []), once(socket, "connect_error")]), "outcome");
    socket.close();
    assert.ok(error, "connected, though no node can know the other's session");
    assert.ok(nodeProxy.sessionIdUnknown() >= 1, JSON.stringify(nodeProxy.stats.errors));
  });
});
