// Two `switchboard serve` nodes in a cluster over Redis ([cluster] redis = ...): the REST API and
// the official emitter reach users on every node, /readyz and /metrics tell the cluster's state,
// and when Redis stops each node goes on delivering to its own clients, answers emits with a
// warning, then heals once Redis is back. Then two more over a Redis Cluster with the sharded
// adapter: a user's events travel on the user's own channel. No process dies: each must exit 0
// on SIGTERM.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";
import { io } from "socket.io-client";
import { binary, startServer, waitUntil } from "../support/fixture.mjs";
import { startRedis, startRedisCluster } from "../support/redis.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-cluster-"));
const apiKey = "cluster-test-api-key-0123456789";
const secret = "a-cluster-test-secret-that-is-long-enough-0123456789";

function writeConfig(name, redisUrl, clusterLines = "") {
  const file = path.join(dir, `${name}.toml`);
  fs.writeFileSync(file, `
[server]
port = 0
data_dir = "${dir}/${name}"
[log]
format = "json"
[auth]
jwt_secret = "${secret}"
[api]
keys = { tests = "${apiKey}" }
[cluster]
redis = "${redisUrl}"
request_timeout = "2s"
${clusterLines}
`);
  return file;
}

let redis;
let redisClient;
let nodeA;
let nodeB;
let configA;
before(async () => {
  redis = await startRedis();
  redisClient = createClient({ url: redis.url });
  redisClient.on("error", () => {});  // it reconnects by itself once Redis is back
  await redisClient.connect();
  configA = writeConfig("a", redis.url);
  nodeA = await startServer("switchboard", ["serve", "--config", configA]);
  nodeB = await startServer("switchboard", ["serve", "--config", writeConfig("b", redis.url)]);
  await clusterHas(2);
});
after(async () => {
  await nodeA?.stop();
  await nodeB?.stop();
  await redisClient?.quit();
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Both nodes' subscriptions are in Redis (the broadcast pattern is subscribed before this channel).
const clusterHas = (count) => waitUntil(async () => {
  if (!redisClient.isReady) return false;
  return (await redisClient.pubSubNumSub("socket.io-request#/#"))["socket.io-request#/#"] === count;
}, 15000, `${count} nodes subscribed`);

const token = (user) => execFileSync(binary("switchboard"), ["token", "--config", configA, "--user", user], { encoding: "utf8" }).trim();

async function connectUser(node, user) {
  const socket = io(node.base, { transports: ["websocket"], auth: { token: token(user) }, reconnection: false, forceNew: true });
  await once(socket, "connect");
  return socket;
}

async function emit(node, body) {
  const res = await fetch(`${node.base}/api/v1/emit`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const readiness = async (node) => {
  const res = await fetch(`${node.base}/readyz`);
  return { status: res.status, body: await res.json() };
};
const metric = async (node, name) => {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
};

// Resolves with the events `socket` gets, keyed by name, from now on.
function recorder(socket) {
  const seen = [];
  socket.onAny((event, ...args) => seen.push([event, ...args]));
  return seen;
}

describe("two switchboard nodes", () => {
  it("report a connected cluster on /readyz and /metrics", async () => {
    for (const node of [nodeA, nodeB]) {
      assert.deepEqual(await readiness(node), { status: 200, body: { status: "ready", cluster: { redis: "connected" } } });
      assert.equal(await metric(node, "switchboard_cluster_connected"), 1);
    }
  });

  it("deliver a REST emit on node B to a user connected to node A, and rooms skip excepted users", async () => {
    const alice = await connectUser(nodeA, "alice");
    const bob = await connectUser(nodeB, "bob");
    const carol = await connectUser(nodeA, "carol");
    const [aliceSeen, bobSeen, carolSeen] = [recorder(alice), recorder(bob), recorder(carol)];

    const res = await emit(nodeB, { event: "notice", data: { n: 1 }, users: ["alice", "bob"] });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { recipients: 1 }, "B counts its own sockets; A delivers to its own");
    await waitUntil(() => aliceSeen.length === 1 && bobSeen.length === 1, 5000, "alice and bob to get the notice");
    assert.deepEqual(aliceSeen[0], ["notice", { n: 1 }]);

    // Every user's room, but carol's: "except" applies on the other node too.
    await emit(nodeB, { event: "notice", data: { n: 2 }, users: ["alice", "bob", "carol"], except: ["user:carol"] });
    await emit(nodeB, { event: "notice", data: { n: 3 }, users: ["carol"] });  // a barrier: in order after n=2
    await waitUntil(() => carolSeen.length === 1, 5000, "carol to get n=3");
    assert.deepEqual(carolSeen, [["notice", { n: 3 }]]);
    await waitUntil(() => aliceSeen.length === 2, 5000, "alice to get n=2");
    assert.deepEqual(aliceSeen[1], ["notice", { n: 2 }]);
    for (const s of [alice, bob, carol]) s.disconnect();
  });

  it("take the official emitter's events to user rooms", async () => {
    const dave = await connectUser(nodeA, "dave");
    const got = once(dave, "from-emitter");
    const publisher = createClient({ url: redis.url });
    await publisher.connect();
    new Emitter(publisher).to("user:dave").emit("from-emitter", { via: "redis-emitter" }, Buffer.from([1, 2, 3]));
    const [value, bytes] = await got;
    assert.deepEqual(value, { via: "redis-emitter" });
    assert.deepEqual([...new Uint8Array(bytes)], [1, 2, 3]);
    await publisher.quit();
    dave.disconnect();
  });
});

describe("Redis stops and comes back", () => {
  it("keeps local delivery, says degraded, and heals", async () => {
    const erin = await connectUser(nodeA, "erin");
    const seen = recorder(erin);
    const errorsBefore = await metric(nodeA, "switchboard_cluster_redis_errors_total");

    await redis.stop();
    await waitUntil(async () => (await readiness(nodeA)).body.status === "degraded", 10000, "node A to say degraded");
    assert.deepEqual(await readiness(nodeA), { status: 200, body: { status: "degraded", cluster: { redis: "unreachable" } } });
    assert.equal(await metric(nodeA, "switchboard_cluster_connected"), 0);
    assert.ok(await metric(nodeA, "switchboard_cluster_redis_errors_total") > errorsBefore);

    // Local delivery goes on; the answer says the other nodes were not reached.
    const local = await emit(nodeA, { event: "notice", data: { n: "local" }, users: ["erin"] });
    assert.equal(local.status, 202);
    assert.deepEqual(local.body, { recipients: 1, warning: "delivered on this node only: the cluster is unreachable" });
    await waitUntil(() => seen.length === 1, 5000, "erin to get the local emit");
    assert.ok(nodeA.logs().includes("delivered on this node only"), "the failed emission is logged as a warning");
    const remote = await emit(nodeB, { event: "notice", data: { n: "lost" }, users: ["erin"] });
    assert.equal(remote.status, 202);
    assert.equal(remote.body.recipients, 0);

    await redis.restart();
    await clusterHas(2);
    for (const node of [nodeA, nodeB]) {
      await waitUntil(async () => (await readiness(node)).body.status === "ready", 15000, "the nodes to be ready again");
    }
    assert.ok(await metric(nodeA, "switchboard_cluster_redis_reconnects_total") >= 1);
    const healed = await emit(nodeB, { event: "notice", data: { n: "healed" }, users: ["erin"] });
    assert.deepEqual(healed.body, { recipients: 0 });
    await waitUntil(() => seen.length === 2, 5000, "erin to get node B's emit after the restart");
    assert.deepEqual(seen.map((e) => e[1].n), ["local", "healed"]);
    assert.ok(erin.connected, "the client never noticed");
    erin.disconnect();
  });
});

describe("two switchboard nodes over a Redis Cluster with the sharded adapter", () => {
  let redisCluster;
  let nodes = [];
  let seeds;
  let sessionFlags;
  before(async () => {
    redisCluster = await startRedisCluster();
    const lines = 'adapter = "sharded"';
    seeds = redisCluster.urls.slice(0, 2).join(",");  // two seeds of six nodes: the rest is discovered
    // Session tokens in the same Redis Cluster.
    sessionFlags = ["--set", "auth.sessions=redis", "--set", `auth.redis=${seeds}`];
    nodes = [await startServer("switchboard", ["serve", "--config", writeConfig("rc-a", seeds, lines), ...sessionFlags]),
             await startServer("switchboard", ["serve", "--config", writeConfig("rc-b", seeds, lines), ...sessionFlags])];
    await waitUntil(async () => (await redisCluster.shardSubscribers("socket.io#/#")) === 2, 15000,
                    "both nodes on the namespace's channel");
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    await redisCluster?.stop();
  });

  it("deliver a REST emit on one node to a user on the other, over the user's own channel", async () => {
    const [a, b] = nodes;
    assert.deepEqual(await readiness(a), { status: 200, body: { status: "ready", cluster: { redis: "connected" } } });
    const dora = await connectUser(a, "dora");
    const seen = recorder(dora);
    await waitUntil(async () => (await redisCluster.shardSubscribers("socket.io#/#user:dora#")) === 1, 5000,
                    "node A on dora's channel");
    const res = await emit(b, { event: "notice", data: { over: "cluster" }, users: ["dora"] });
    assert.equal(res.status, 202);
    await waitUntil(() => seen.length === 1, 5000, "dora to get the notice");
    assert.deepEqual(seen[0], ["notice", { over: "cluster" }]);
    dora.disconnect();
    await waitUntil(async () => (await redisCluster.shardSubscribers("socket.io#/#user:dora#")) === 0, 5000,
                    "node A off dora's channel once she left");
  });

  it("take session tokens from the Redis Cluster: made by the CLI, accepted by either node, revoked on both", async () => {
    const cli = (...args) => execFileSync(binary("switchboard"), [...args, "--config", configA, ...sessionFlags],
                                          { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const created = spawnSync(binary("switchboard"), ["session", "create", "--user", "sam", "--ttl", "1h", "--config", configA,
                                                      ...sessionFlags], { encoding: "utf8" });
    assert.equal(created.status, 0, created.stderr);
    const token = created.stdout.trim();
    const id = /session ([0-9a-f]{16})/.exec(created.stderr)[1];
    const sockets = [];
    for (const node of nodes) {
      const socket = io(node.base, { transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true });
      await once(socket, "connect");
      sockets.push(socket);
    }
    assert.match(cli("session", "list", "--user", "sam"), new RegExp(id));
    const ended = sockets.map((socket) => once(socket, "disconnect"));
    cli("session", "revoke", id);
    assert.deepEqual((await Promise.all(ended)).map(([reason]) => reason), ["io server disconnect", "io server disconnect"]);
  });

  it("have a user channel exactly for each connected user, gone with the user's last socket", async () => {
    const [a, b] = nodes;
    const users = () => redisCluster.shardChannels("socket.io#/#user:*");
    const expect = (names) => waitUntil(async () => JSON.stringify(await users()) === JSON.stringify(names), 5000,
                                        `user channels ${names}`);
    await expect([]);
    const ann = [await connectUser(a, "ann"), await connectUser(b, "ann")];  // one user on both nodes
    const ben = await connectUser(b, "ben");
    await expect(["socket.io#/#user:ann#", "socket.io#/#user:ben#"]);
    assert.equal(await redisCluster.shardSubscribers("socket.io#/#user:ann#"), 2);
    ann[0].disconnect();  // ann still has a socket on node B
    await waitUntil(async () => (await redisCluster.shardSubscribers("socket.io#/#user:ann#")) === 1, 5000, "node A off ann's channel");
    assert.deepEqual(await users(), ["socket.io#/#user:ann#", "socket.io#/#user:ben#"]);
    ann[1].disconnect();
    ben.disconnect();
    await expect([]);
  });
});
