// The Admin UI's protocol over a cluster: two `switchboard serve` nodes on one Redis (started here),
// each with the admin namespace, the same login and its own admin.server_id. A UI connected to
// node A sees both nodes' statistics, the sockets of node B in all_sockets and B's live reports,
// and its actions (_disconnect, join) reach the sockets of node B. No process dies: each must exit
// 0 on SIGTERM.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "redis";
import { io } from "socket.io-client";
import { startServer, waitUntil } from "../support/fixture.mjs";
import { connected, devConfig, token } from "./users.mjs";
import { startRedis } from "../support/redis.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-admin-cluster-"));
const passwordHash = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";  // "changeit"
const login = { username: "admin", password: "changeit" };
const apiKey = "development-api-key-0123456789";  // config/dev.toml
const WAIT = 20000;

let redis;
let redisClient;
let nodeA;
let nodeB;
const sockets = [];

const startNode = (name, serverId) => startServer("switchboard", ["serve", "--config", devConfig, "--port", "0",
  "--set", `server.data_dir=${dir}/${name}`, "--set", `cluster.redis=${redis.url}`, "--set", "cluster.request_timeout=5s",
  "--set", "admin.enabled=true", "--set", "admin.username=admin", "--set", `admin.password_hash=${passwordHash}`,
  "--set", `admin.server_id=${serverId}`]);

before(async () => {
  redis = await startRedis();
  redisClient = createClient({ url: redis.url });
  redisClient.on("error", () => {});
  await redisClient.connect();
  nodeA = await startNode("a", "node-a");
  nodeB = await startNode("b", "node-b");
  // Both nodes answer the cluster's requests of both namespaces (fetchSockets, remote actions).
  await waitUntil(async () => {
    const counts = await redisClient.pubSubNumSub(["socket.io-request#/#", "socket.io-request#/admin#"]);
    return counts["socket.io-request#/#"] === 2 && counts["socket.io-request#/admin#"] === 2;
  }, WAIT, "both nodes subscribed");
});
after(async () => {
  sockets.forEach((s) => s.close());
  await nodeA?.stop();
  await nodeB?.stop();
  await redisClient?.quit();
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});



async function connectUser(node, user) {
  const socket = io(node.base, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token: token(user) } });
  sockets.push(socket);
  return connected(socket);
}

// An admin client as the UI makes it, recording what it receives from its "connect" on.
async function connectAdmin(node) {
  const socket = io(`${node.base}/admin`, { forceNew: true, reconnection: false, auth: login });
  const seen = [];
  socket.once("connect", () => socket.onAny((event, ...args) => seen.push([event, ...args])));
  sockets.push(socket);
  await connected(socket);
  return { socket, seen };
}

const arrival = (seen, name, test = () => true) =>
  waitUntil(() => seen.find(([event, ...args]) => event === name && test(...args)), WAIT, `"${name}"`);
// The sockets of an all_sockets event: its one argument, an array.
function listOf(entry) {
  assert.equal(entry.length, 2, `all_sockets came with ${entry.length - 1} arguments`);
  return entry[1];
}

async function emit(node, body) {
  const res = await fetch(`${node.base}/api/v1/emit`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("the admin namespace over two nodes", () => {
  it("a UI on node A gets server_stats from both nodes, each under its server id", async () => {
    const { seen } = await connectAdmin(nodeA);
    const [, a] = await arrival(seen, "server_stats", (s) => s.serverId === "node-a");
    const [, b] = await arrival(seen, "server_stats", (s) => s.serverId === "node-b");
    assert.equal(a.pid, nodeA.child.pid);
    assert.equal(b.pid, nodeB.child.pid);
    assert.ok(b.namespaces.some((n) => n.name === "/admin"));
  });

  it("all_sockets on node A lists a user socket of node B, with its rooms", async () => {
    const zoe = await connectUser(nodeB, "zoe");
    const { seen } = await connectAdmin(nodeA);
    const listed = listOf(await arrival(seen, "all_sockets")).find((s) => s.id === zoe.id);
    assert.ok(listed, "zoe's socket on node B is listed");
    assert.equal(listed.nsp, "/");
    assert.deepEqual([...listed.rooms].sort(), [zoe.id, "user:zoe"].sort());
    assert.equal(listed.clientId, zoe.io.engine.id.slice(0, 12), "from node B's data._admin");
    assert.equal(listed.transport, "websocket");
    assert.equal(listed.data.userId, "zoe");
    assert.equal(listed.data._admin, undefined);
    assert.equal(listed.handshake.auth, undefined);
  });

  it("node B's live reports reach the UI on node A", async () => {
    const { seen } = await connectAdmin(nodeA);
    await arrival(seen, "all_sockets");
    const yuri = await connectUser(nodeB, "yuri");
    const id = yuri.id;
    const [, socket] = await arrival(seen, "socket_connected", (s) => s.id === id);
    assert.ok(socket.rooms.includes("user:yuri"));
    yuri.emit("hello-from-b", 7);
    const [, , , args] = await arrival(seen, "event_received", (n, i) => i === id);
    assert.deepEqual(args, ["hello-from-b", 7]);
    const local = await connectUser(nodeA, "vera");
    const localId = local.id;
    yuri.disconnect();
    local.disconnect();
    await arrival(seen, "socket_disconnected", (n, i) => i === id);
    await arrival(seen, "socket_disconnected", (n, i) => i === localId);
    // Each report once, whether its socket is on this node or the other.
    for (const socketId of [id, localId]) {
      assert.equal(seen.filter(([event, s]) => event === "socket_connected" && s.id === socketId).length, 1);
      assert.equal(seen.filter(([event, , i]) => event === "socket_disconnected" && i === socketId).length, 1);
    }
  });

  it("_disconnect from node A's UI disconnects a user on node B: io server disconnect", async () => {
    const { socket: admin, seen } = await connectAdmin(nodeA);
    const xena = await connectUser(nodeB, "xena");
    const id = xena.id;
    const reason = new Promise((resolve) => xena.once("disconnect", resolve));
    admin.emit("_disconnect", "/", false, id);
    assert.equal(await reason, "io server disconnect");
    await arrival(seen, "socket_disconnected", (n, i, r) => i === id && r === "server namespace disconnect");
  });

  it("join from node A's UI puts a user of node B in a room", async () => {
    const { socket: admin, seen } = await connectAdmin(nodeA);
    const will = await connectUser(nodeB, "will");
    admin.emit("join", "/", "vip-b", will.id);
    await arrival(seen, "room_joined", (n, r, i) => r === "vip-b" && i === will.id);
    assert.deepEqual(await emit(nodeB, { event: "x", rooms: ["vip-b"] }), { status: 202, body: { recipients: 1 } });
  });
});
