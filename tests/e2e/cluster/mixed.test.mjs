// Cluster nodes over one Redis, wire-compatible with @socket.io/redis-adapter 8.3 and
// @socket.io/redis-emitter 5.1: each node is switchboard (build/bin/sio-conformance-server --redis)
// or Node.js (node_server.mjs, the reference), official clients connect to both, and what is done
// on one node must act on the other. The node/node pair checks the tests themselves. Every pair
// runs with the classic protocol (createAdapter) and with the sharded one (createShardedAdapter,
// SPUBLISH / SSUBSCRIBE with a channel per room), which has no all-rooms request. Over the Redis
// Cluster, two switchboard nodes and a Node.js one also run as one cluster of three.
//
// The event contract both kinds of node implement, on "/" and "/custom" (every command is acked;
// lists are sorted unless said otherwise):
//   join(room), leave(room): ack()                 rooms(): ack(this socket's rooms, any order)
//   broadcast(room, ...args), broadcast-to({rooms, except}, ...args): "room-message" with args
//     to the room / rooms (none: everyone) but except; ack()
//   broadcast-ack(room, timeoutMs, ...args): asks the room "room-question" with args and acks
//     {answers: each client's answer as a one-element list, error?}
//   fetch(room): ack(socket ids)                    fetch-details(room): ack([{id, rooms, handshake}] by id)
//   all-join(room, newRoom), all-leave(room, oldRoom): ack()
//   all-disconnect(room): ack(), then disconnects the room's sockets
//   all-rooms(): ack(every room of every node, sockets' own rooms included)
//   server-side-emit(event, ...args): ack()
//   server-side-emit-ack(timeoutMs, event, ...args): ack({answers: one per other node, error?})
//   received-server-side(): ack([event, ...args] of each server-side emit received, in order)
// Server-side, each node answers "cluster-ping"(x) with {pong: x, from: its --name}.
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";
import { io } from "socket.io-client";
import { startFixture, startServer, waitUntil } from "../support/fixture.mjs";
import { startRedis, startRedisCluster } from "../support/redis.mjs";

const pairs = [["switchboard", "switchboard"], ["node", "switchboard"], ["switchboard", "node"], ["node", "node"]];
// The sharded protocol runs over one Redis and over a Redis Cluster of 3 masters and 3 replicas.
const protocols = ["classic", "sharded", "sharded, Redis Cluster"];
const emitterTargets = ["switchboard", "node"];
const label = { switchboard: "switchboard", node: "Node.js" };

const nodeServer = fileURLToPath(new URL("node_server.mjs", import.meta.url));
function startNode(kind, name, protocol = "classic") {
  const url = protocol.includes("Redis Cluster") ? redisCluster.urls.join(",") : redis.url;
  const args = ["--redis", url, "--name", name, "--adapter", protocol.startsWith("sharded") ? "sharded" : "classic"];
  if (kind === "switchboard") return startFixture("sio-conformance-server", args);
  return startServer(process.execPath, [nodeServer, ...args]);
}

let redis;
let redisClient;
let redisCluster;
before(async () => {
  [redis, redisCluster] = await Promise.all([startRedis(), startRedisCluster()]);
  redisClient = createClient({ url: redis.url });
  await redisClient.connect();
});
after(async () => {
  await redisClient.quit();
  await Promise.all([redis.stop(), redisCluster.stop()]);
});

// PUBSUB SHARDNUMSUB of `channel` where the protocol's nodes meet: the one Redis, or the Redis
// Cluster's master of the channel's slot.
async function shardSubscribers(channel, protocol) {
  if (protocol.includes("Redis Cluster")) return redisCluster.shardSubscribers(channel);
  return (await redisClient.sendCommand(["PUBSUB", "SHARDNUMSUB", channel]))[1];
}

// A node is in the cluster once Redis has its subscription to the namespace's request channel
// (classic) or to the namespace's channel (sharded): PUBSUB NUMSUB / SHARDNUMSUB of that channel is
// the node count the adapters themselves wait for.
async function clusterHas(count, protocol = "classic") {
  for (const nsp of ["/", "/custom"]) {
    if (protocol.startsWith("sharded")) {
      const channel = `socket.io#${nsp}#`;
      await waitUntil(async () => (await shardSubscribers(channel, protocol)) === count, 10000,
                      `${count} node(s) subscribed to ${channel}`);
      continue;
    }
    const channel = `socket.io-request#${nsp}#`;
    await waitUntil(async () => (await redisClient.sendCommand(["PUBSUB", "NUMSUB", channel]))[1] === count, 10000,
                    `${count} node(s) subscribed to ${channel}`);
  }
}

const open = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
});

async function connect(node, { nsp = "/", transports = ["websocket"], auth, query } = {}) {
  const socket = io(`${node.base}${nsp}`, { forceNew: true, reconnection: false, transports, auth, query });
  open.push(socket);
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

// Every "room-message" of `socket`, as its argument lists.
function inbox(socket) {
  const messages = [];
  socket.on("room-message", (...args) => messages.push(args));
  return messages;
}
const arrived = (messages, ...args) =>
  waitUntil(() => messages.some((m) => isDeepStrictEqual(m, args)), 5000, `room-message ${JSON.stringify(args)}`);

// Waits until each inbox holds as many messages as expected, then compares. Over a Redis Cluster,
// events on different channels (a room's, the namespace's) travel through different masters and
// may arrive in either order: there only what arrived is compared, not its order.
async function received(inboxes, expected, protocol) {
  await waitUntil(() => inboxes.every((messages, i) => messages.length >= expected[i].length), 5000,
                  `${JSON.stringify(expected)}`);
  const unordered = (lists) => lists.map((messages) => messages.map((m) => JSON.stringify(m)).sort());
  if (protocol.includes("Redis Cluster")) assert.deepEqual(unordered(inboxes), unordered(expected));
  else assert.deepEqual(inboxes, expected);
}

const disconnected = (socket) => new Promise((resolve) => socket.once("disconnect", resolve));
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byFrom = (a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0);

function assertBinary(value, bytes) {
  assert.ok(Buffer.isBuffer(value) || value instanceof ArrayBuffer, `binary expected, got ${JSON.stringify(value)}`);
  assert.deepEqual(Buffer.from(value), Buffer.from(bytes));
}

for (const protocol of protocols) for (const [kindA, kindB] of pairs) {
  describe(`${label[kindA]} node A with ${label[kindB]} node B (${protocol})`, () => {
    const nodes = {};
    before(async () => {
      [nodes.A, nodes.B] = await Promise.all([startNode(kindA, "A", protocol), startNode(kindB, "B", protocol)]);
      await clusterHas(2, protocol);
    });
    after(async () => {
      // Both are stopped even when one fails (a sanitizer report), so that no node stays subscribed.
      const stopped = await Promise.allSettled(Object.values(nodes).map((node) => node.stop()));
      const failed = stopped.find((s) => s.status === "rejected");
      if (failed) throw failed.reason;
    });
    const clients = (names, options) => Promise.all(names.map((name) => connect(nodes[name], options)));
    // The sharded protocol subscribes to a room's channel when a node's first socket joins, after
    // the join's ack (as Node's adapter does): an event for the room waits until `count` nodes are on it.
    const roomOnNodes = async (room, count, nsp = "/") => {
      if (!protocol.startsWith("sharded")) return;
      const channel = `socket.io#${nsp}#${room}#`;
      await waitUntil(async () => (await shardSubscribers(channel, protocol)) === count, 5000,
                      `${count} node(s) on ${channel}`);
    };

    for (const [nsp, transports] of [["/", ["websocket"]], ["/", ["polling"]], ["/custom", ["websocket"]]]) {
      it(`broadcasts to a room reach its members on both nodes, no one else (${nsp}, ${transports})`, async () => {
        const [a1, a2, b1, b2] = await clients(["A", "A", "B", "B"], { nsp, transports });
        await Promise.all([a1, b1].map((s) => s.emitWithAck("join", "news")));
        await roomOnNodes("news", 2, nsp);
        const inboxes = [a1, a2, b1, b2].map(inbox);
        await a2.emitWithAck("broadcast", "news", "hello", { n: 1 });
        // The last message reaches everyone, after the ones before it (in any order over a Redis Cluster).
        await a2.emitWithAck("broadcast-to", { rooms: [], except: [] }, "everyone");
        await received(inboxes, [[["hello", { n: 1 }], ["everyone"]], [["everyone"]],
                                 [["hello", { n: 1 }], ["everyone"]], [["everyone"]]], protocol);
      });
    }

    it("except leaves out excepted rooms and socket ids on both nodes", async () => {
      const [a1, a2, b1, b2] = await clients(["A", "A", "B", "B"]);
      await Promise.all([a1, a2, b1, b2].map((s) => s.emitWithAck("join", "team")));
      await Promise.all([a2, b2].map((s) => s.emitWithAck("join", "muted")));
      await roomOnNodes("team", 2);
      const inboxes = [a1, a2, b1, b2].map(inbox);
      await b1.emitWithAck("broadcast-to", { rooms: ["team"], except: ["muted"] }, "unmuted");
      await b1.emitWithAck("broadcast-to", { rooms: ["team"], except: [a1.id] }, "not a1");
      await b1.emitWithAck("broadcast", "team", "last");
      await Promise.all(inboxes.map((messages) => arrived(messages, "last")));
      assert.deepEqual(inboxes, [[["unmuted"], ["last"]], [["not a1"], ["last"]],
                                 [["unmuted"], ["not a1"], ["last"]], [["not a1"], ["last"]]]);
    });

    it("fetch lists the sockets of both nodes, fetch-details with their rooms and handshakes", async () => {
      const [a1, a2] = await clients(["A", "A"]);
      const b1 = await connect(nodes.B, { auth: { token: "b1-token" }, query: { who: "b1" } });
      await Promise.all([a1, b1].map((s) => s.emitWithAck("join", "crew")));
      await b1.emitWithAck("join", "crew-b");
      const ids = [a1.id, b1.id].sort();
      assert.deepEqual(await a2.emitWithAck("fetch", "crew"), ids);
      assert.deepEqual(await b1.emitWithAck("fetch", "crew"), ids);
      assert.deepEqual(await a2.emitWithAck("fetch", "nobody-here"), []);
      const details = [{ id: a1.id, rooms: [a1.id, "crew"].sort() }, { id: b1.id, rooms: [b1.id, "crew", "crew-b"].sort() }];
      const fetched = await a2.emitWithAck("fetch-details", "crew");
      assert.deepEqual(fetched.map(({ id, rooms }) => ({ id, rooms })), details.sort(byId));
      // B's socket as node A sees it: the handshake travels as Node's adapter sends it.
      const { handshake } = fetched.find((d) => d.id === b1.id);
      assert.deepEqual(handshake.auth, { token: "b1-token" });
      assert.equal(handshake.query.who, "b1");
      assert.equal(handshake.query.EIO, "4");
      assert.equal(handshake.url.startsWith("/socket.io/?"), true);
      assert.equal(typeof handshake.headers.host, "string");
      assert.equal(typeof handshake.address, "string");
      assert.equal(typeof handshake.issued, "number");
      assert.match(handshake.time, /^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT/);
    });

    it("all-join and all-leave on one node move the sockets of the other", async () => {
      const [a1, b1, b2] = await clients(["A", "B", "B"]);
      await Promise.all([a1, b1].map((s) => s.emitWithAck("join", "base")));
      await a1.emitWithAck("all-join", "base", "moved");
      const both = [a1.id, b1.id].sort();
      await waitUntil(async () => isDeepStrictEqual(await a1.emitWithAck("fetch", "moved"), both), 5000, "the join on B");
      assert.ok((await b1.emitWithAck("rooms")).includes("moved"));
      assert.ok(!(await b2.emitWithAck("rooms")).includes("moved"));
      await roomOnNodes("moved", 2);

      const inboxes = [a1, b1, b2].map(inbox);
      await b2.emitWithAck("broadcast", "moved", "to moved");
      await b2.emitWithAck("broadcast-to", { rooms: [], except: [] }, "everyone");
      await received(inboxes, [[["to moved"], ["everyone"]], [["to moved"], ["everyone"]], [["everyone"]]], protocol);

      await b1.emitWithAck("all-leave", "base", "moved");
      await waitUntil(async () => (await b1.emitWithAck("fetch", "moved")).length === 0, 5000, "the leave on A");
      assert.deepEqual((await a1.emitWithAck("rooms")).sort(), [a1.id, "base"].sort());
    });

    it("all-disconnect on one node disconnects the sockets of the other", async () => {
      const [a1, a2, b1, b2] = await clients(["A", "A", "B", "B"]);
      await Promise.all([a1, b1].map((s) => s.emitWithAck("join", "doomed")));
      const reasons = Promise.all([a1, b1].map(disconnected));
      await a2.emitWithAck("all-disconnect", "doomed");
      assert.deepEqual(await reasons, ["io server disconnect", "io server disconnect"]);
      assert.deepEqual(await b2.emitWithAck("fetch", "doomed"), []);
      assert.ok(a2.connected && b2.connected);
    });

    it("server-side-emit reaches the other node, and not the sender's", async () => {
      const [a1, b1, b1custom] = await Promise.all([connect(nodes.A), connect(nodes.B), connect(nodes.B, { nsp: "/custom" })]);
      const note = ["cluster-note", 1, "two", { three: [true, null] }];
      await a1.emitWithAck("server-side-emit", ...note);
      await waitUntil(async () => (await b1.emitWithAck("received-server-side")).length > 0, 5000, "the note on B");
      assert.deepEqual(await b1.emitWithAck("received-server-side"), [note]);
      // Once A has B's answering note, it would have had its own too, had that come back to it.
      await b1.emitWithAck("server-side-emit", "cluster-note", "from B");
      await waitUntil(async () => (await a1.emitWithAck("received-server-side")).length > 0, 5000, "the note on A");
      assert.deepEqual(await a1.emitWithAck("received-server-side"), [["cluster-note", "from B"]]);
      assert.deepEqual(await b1custom.emitWithAck("received-server-side"), []);
    });

    it("server-side-emit-ack gets the other node's answer", async () => {
      const [a1, b1] = await clients(["A", "B"], { nsp: "/custom" });
      assert.deepEqual(await a1.emitWithAck("server-side-emit-ack", 5000, "cluster-ping", "x1"), { answers: [{ pong: "x1", from: "B" }] });
      assert.deepEqual(await b1.emitWithAck("server-side-emit-ack", 5000, "cluster-ping", "x2"), { answers: [{ pong: "x2", from: "A" }] });
      assert.deepEqual(await b1.emitWithAck("received-server-side"), [["cluster-ping", "x1"]]);
    });

    it("broadcast-ack collects the answers of clients on both nodes", async () => {
      const [a1, a2, b1] = await clients(["A", "A", "B"]);
      await Promise.all([a1, a2, b1].map((s) => s.emitWithAck("join", "asked")));
      for (const [socket, name] of [[a1, "a1"], [a2, "a2"], [b1, "b1"]]) socket.on("room-question", (q, reply) => reply(`${name}:${q}`));
      assert.deepEqual(await b1.emitWithAck("broadcast-ack", "asked", 5000, "q1"), { answers: [["a1:q1"], ["a2:q1"], ["b1:q1"]] });
      assert.deepEqual(await a1.emitWithAck("broadcast-ack", "asked", 5000, "q2"), { answers: [["a1:q2"], ["a2:q2"], ["b1:q2"]] });
      assert.deepEqual(await a1.emitWithAck("broadcast-ack", "nobody-here", 5000, "q3"), { answers: [] });
      // b1 never answers; b2 on the same node does: its answer still comes, before the timeout.
      const b2 = await connect(nodes.B);
      await b2.emitWithAck("join", "asked");
      b2.on("room-question", (q, reply) => reply(`b2:${q}`));
      b1.off("room-question");
      b1.on("room-question", () => {});
      assert.deepEqual(await a1.emitWithAck("broadcast-ack", "asked", 1000, "q4"),
                       { answers: [["a1:q4"], ["a2:q4"], ["b2:q4"]], error: "operation has timed out" });
    });

    for (const transports of [["websocket"], ["polling"]]) {
      it(`binary arguments of a broadcast reach the other node's client as binary (${transports})`, async () => {
        const [a1, b1] = await clients(["A", "B"], { transports });
        await b1.emitWithAck("join", "bin");
        await roomOnNodes("bin", 1);
        const messages = inbox(b1);
        await a1.emitWithAck("broadcast", "bin", "blob", Buffer.from([1, 2, 3]), { nested: Buffer.from([0, 255]) });
        await waitUntil(() => messages.length > 0, 5000, "the broadcast on B");
        const [[text, blob, { nested }]] = messages;
        assert.equal(text, "blob");
        assertBinary(blob, [1, 2, 3]);
        assertBinary(nested, [0, 255]);
      });
    }

    it("a room's own channel is subscribed while a node has members, and carries the room's events",
       { skip: !protocol.startsWith("sharded") }, async () => {
      const channel = "socket.io#/#solo-room#";
      const subscribers = () => shardSubscribers(channel, protocol);
      const [a1, b1] = await clients(["A", "B"]);
      assert.equal(await subscribers(), 0);
      await b1.emitWithAck("join", "solo-room");
      await waitUntil(async () => (await subscribers()) === 1, 5000, "B on the room's channel");
      const inboxB = inbox(b1);
      await a1.emitWithAck("broadcast", "solo-room", "just b");
      await arrived(inboxB, "just b");
      await b1.emitWithAck("leave", "solo-room");
      await waitUntil(async () => (await subscribers()) === 0, 5000, "B off the room's channel");
    });

    it("all-rooms includes the rooms joined on both nodes", { skip: protocol.startsWith("sharded") }, async () => {
      const [a1, b1] = await clients(["A", "B"]);
      await a1.emitWithAck("join", "only-on-a");
      await b1.emitWithAck("join", "only-on-b");
      for (const socket of [a1, b1]) {
        const rooms = await socket.emitWithAck("all-rooms");
        for (const room of ["only-on-a", "only-on-b", a1.id, b1.id]) assert.ok(rooms.includes(room), `${room} in ${rooms}`);
        assert.deepEqual(rooms, [...rooms].sort());
      }
    });
  });
}

// Three nodes in one cluster over the Redis Cluster, as a deployment that adds switchboard nodes to
// a Node.js one would run: A and B are switchboard, C is Node.js with createShardedAdapter. Each
// request starts on each node in turn and must act on the other two.
describe("switchboard nodes A and B with Node.js node C (sharded, Redis Cluster)", () => {
  const protocol = "sharded, Redis Cluster";
  const nodes = {};
  const names = ["A", "B", "C"];
  before(async () => {
    [nodes.A, nodes.B, nodes.C] = await Promise.all([
      startNode("switchboard", "A", protocol), startNode("switchboard", "B", protocol), startNode("node", "C", protocol)]);
    await clusterHas(3, protocol);
  });
  after(async () => {
    const stopped = await Promise.allSettled(Object.values(nodes).map((node) => node.stop()));
    const failed = stopped.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
  });
  const onEach = () => Promise.all(names.map((name) => connect(nodes[name])));
  const roomOnNodes = (room, count) =>
    waitUntil(async () => (await shardSubscribers(`socket.io#/#${room}#`, protocol)) === count, 5000,
              `${count} node(s) on ${room}`);

  it("a user's events reach the user's sockets, from every node, through the nodes that hold them only", async () => {
    const [a1, b1, c1] = await onEach();
    const [a2, c2] = await Promise.all([connect(nodes.A), connect(nodes.C)]);
    // The user's room: `user:<id>` in the server, where only authentication may join it
    // (socket.join refuses the prefix); this fixture has no authentication, so its clients join
    // `user-<id>`, the same public room to the adapters.
    await Promise.all([a2, c2].map((s) => s.emitWithAck("join", "user-u1")));
    await roomOnNodes("user-u1", 2);
    const inboxes = [a1, b1, c1, a2, c2].map(inbox);
    for (const [socket, from] of [[a1, "A"], [b1, "B"], [c1, "C"]]) await socket.emitWithAck("broadcast", "user-u1", `from ${from}`);
    const forU1 = [["from A"], ["from B"], ["from C"]];
    await received(inboxes, [[], [], [], forU1, forU1], protocol);
    const gone = disconnected(c2);
    c2.disconnect();
    await gone;
    await roomOnNodes("user-u1", 1);
    await b1.emitWithAck("broadcast", "user-u1", "after C left");
    await arrived(inboxes[3], "after C left");
  });

  it("room broadcasts and except from each node reach the members on all three", async () => {
    const members = await onEach();
    const outsiders = await onEach();
    await Promise.all(members.map((s) => s.emitWithAck("join", "hall")));
    await members[1].emitWithAck("join", "hush");
    await roomOnNodes("hall", 3);
    const inboxes = [...members, ...outsiders].map(inbox);
    for (const [i, socket] of outsiders.entries()) {
      await socket.emitWithAck("broadcast-to", { rooms: ["hall"], except: ["hush"] }, `from ${names[i]}`);
    }
    const all = [["from A"], ["from B"], ["from C"]];
    await received(inboxes, [all, [], all, [], [], []], protocol);
  });

  it("fetch, all-join and all-disconnect from each node act on the sockets of all three", async () => {
    const sockets = await onEach();
    await Promise.all(sockets.map((s) => s.emitWithAck("join", "crew3")));
    const ids = sockets.map((s) => s.id).sort();
    for (const socket of sockets) assert.deepEqual(await socket.emitWithAck("fetch", "crew3"), ids);
    await sockets[2].emitWithAck("all-join", "crew3", "moved3");
    for (const socket of sockets) {
      await waitUntil(async () => (await socket.emitWithAck("rooms")).includes("moved3"), 5000, "moved3 everywhere");
    }
    const others = await onEach();
    const reasons = Promise.all(sockets.map(disconnected));
    await others[1].emitWithAck("all-disconnect", "moved3");
    assert.deepEqual(await reasons, ["io server disconnect", "io server disconnect", "io server disconnect"]);
    assert.ok(others.every((s) => s.connected));
  });

  it("server-side-emit-ack from each node gets the other two answers", async () => {
    const sockets = await onEach();
    for (const [i, socket] of sockets.entries()) {
      const { answers, error } = await socket.emitWithAck("server-side-emit-ack", 5000, "cluster-ping", `x${i}`);
      assert.equal(error, undefined);
      assert.deepEqual(answers.sort(byFrom), names.filter((n) => n !== names[i]).map((from) => ({ pong: `x${i}`, from })));
    }
  });

  it("broadcast-ack from each node collects the answers of clients on all three", async () => {
    const sockets = await onEach();
    await Promise.all(sockets.map((s) => s.emitWithAck("join", "asked3")));
    for (const [i, socket] of sockets.entries()) socket.on("room-question", (q, reply) => reply(`${names[i]}:${q}`));
    for (const socket of sockets) {
      const { answers, error } = await socket.emitWithAck("broadcast-ack", "asked3", 5000, "q");
      assert.equal(error, undefined);
      assert.deepEqual(answers.map(([answer]) => answer).sort(), ["A:q", "B:q", "C:q"]);
    }
  });
});

for (const kind of emitterTargets) {
  describe(`@socket.io/redis-emitter to a ${label[kind]} node`, () => {
    let node;
    let emitter;
    before(async () => {
      node = await startNode(kind, "A");
      await clusterHas(1);
      emitter = new Emitter(redisClient);
    });
    after(() => node.stop());

    it("emits to a room's clients only", async () => {
      const [a1, a2] = await Promise.all([connect(node), connect(node)]);
      await a1.emitWithAck("join", "emitted");
      const inboxes = [a1, a2].map(inbox);
      emitter.to("emitted").emit("room-message", "to the room");
      emitter.emit("room-message", "to everyone");
      await Promise.all(inboxes.map((messages) => arrived(messages, "to everyone")));
      assert.deepEqual(inboxes, [[["to the room"], ["to everyone"]], [["to everyone"]]]);
    });

    it("leaves out the excepted room", async () => {
      const [a1, a2] = await Promise.all([connect(node), connect(node)]);
      await Promise.all([a1, a2].map((s) => s.emitWithAck("join", "team")));
      await a2.emitWithAck("join", "quiet");
      const inboxes = [a1, a2].map(inbox);
      emitter.to("team").except("quiet").emit("room-message", "not quiet");
      emitter.to("team").emit("room-message", "last");
      await Promise.all(inboxes.map((messages) => arrived(messages, "last")));
      assert.deepEqual(inboxes, [[["not quiet"], ["last"]], [["last"]]]);
    });

    it("emits a Buffer that arrives as binary", async () => {
      const socket = await connect(node);
      const messages = inbox(socket);
      emitter.to(socket.id).emit("room-message", "blob", Buffer.from([1, 2, 3]), { nested: Buffer.from([0, 255]) });
      await waitUntil(() => messages.length > 0, 5000, "the emitted Buffer");
      const [[text, blob, { nested }]] = messages;
      assert.equal(text, "blob");
      assertBinary(blob, [1, 2, 3]);
      assertBinary(nested, [0, 255]);
    });

    it("of(\"/custom\") emits to that namespace only", async () => {
      const [main, custom] = await Promise.all([connect(node), connect(node, { nsp: "/custom" })]);
      const inboxes = [main, custom].map(inbox);
      emitter.of("/custom").emit("room-message", "custom only");
      emitter.emit("room-message", "main only");
      await arrived(inboxes[1], "custom only");
      await arrived(inboxes[0], "main only");
      assert.deepEqual(inboxes, [[["main only"]], [["custom only"]]]);
    });

    it("makes a room's sockets join, leave and disconnect", async () => {
      const [a1, a2] = await Promise.all([connect(node), connect(node)]);
      await a1.emitWithAck("join", "gather");
      emitter.in("gather").socketsJoin("gathered");
      await waitUntil(async () => (await a1.emitWithAck("rooms")).includes("gathered"), 5000, "the join");
      emitter.in("gathered").socketsLeave("gather");
      await waitUntil(async () => !(await a1.emitWithAck("rooms")).includes("gather"), 5000, "the leave");
      assert.deepEqual(await a2.emitWithAck("rooms"), [a2.id]);
      const reason = disconnected(a1);
      emitter.in("gathered").disconnectSockets();
      assert.equal(await reason, "io server disconnect");
      assert.deepEqual(await a2.emitWithAck("fetch", "gathered"), []);
      assert.ok(a2.connected);
    });
  });
}
