// The official socket.io-client (npm, in Node.js) against a server built on the public C++ API
// (tests/fixtures/sio_conformance_server.cpp).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startFixture, waitUntil } from "../support/fixture.mjs";

let server;
const open = [];
before(async () => { server = await startFixture("sio-conformance-server"); });
after(async () => {
  for (const socket of open) socket.disconnect();
  await server.stop();
});

function connect(nsp = "/", options = {}) {
  const socket = io(`${server.base}${nsp}`, { forceNew: true, reconnection: false, ...options });
  open.push(socket);
  return socket;
}

const event = (socket, name) => new Promise((resolve) => socket.once(name, (...args) => resolve(args)));
async function connected(nsp, options) {
  const socket = connect(nsp, options);
  const [auth] = await event(socket, "auth");  // the fixture greets every connection
  return { socket, auth };
}

for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]]) {
  describe(`over ${transports.join(" then ")}`, () => {
    it("connects, and hands the auth payload to the server", async () => {
      const { socket, auth } = await connected("/", { transports, auth: { token: "abc" } });
      assert.deepEqual(auth, { token: "abc" });
      assert.match(socket.id, /^[A-Za-z0-9_-]{20}$/);
    });

    it("sends events both ways, with binary anywhere in the arguments", async () => {
      const { socket } = await connected("/", { transports });
      socket.emit("message", 1, "two", { three: [true, null] }, Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) });
      const args = await event(socket, "message-back");
      assert.deepEqual(args.slice(0, 3), [1, "two", { three: [true, null] }]);
      assert.deepEqual(Buffer.from(args[3]), Buffer.from([1, 2, 3]));
      assert.deepEqual(Buffer.from(args[4].nested), Buffer.from([4]));
    });

    it("acks both ways", async () => {
      const { socket } = await connected("/", { transports });
      const answer = await new Promise((resolve) => socket.emit("message-with-ack", "x", Buffer.from([9]), (...args) => resolve(args)));
      assert.equal(answer[0], "x");
      assert.deepEqual(Buffer.from(answer[1]), Buffer.from([9]));
      socket.on("question", (a, b, reply) => reply({ sum: a + b }));
      assert.deepEqual(await socket.emitWithAck("ask", 2000, 20, 22), { sum: 42 });
    });

    it("waits for an ack without a timeout, as socket.emitWithAck() without timeout()", async () => {
      const { socket } = await connected("/", { transports });
      // The answer comes late on purpose; only the disconnect would end the server's wait.
      socket.on("question", (a, b, reply) => setTimeout(() => reply({ sum: a + b }), 200));
      assert.deepEqual(await socket.emitWithAck("ask", null, 20, 22), { sum: 42 });
    });
  });
}

describe("namespaces and middleware", () => {
  it("multiplexes several namespaces over one connection", async () => {
    const main = connect("/");
    const custom = main.io.socket("/custom");  // same Manager: same Engine.IO session
    open.push(custom);
    const [[a], [b]] = await Promise.all([event(main, "auth"), event(custom, "auth")]);
    assert.deepEqual([a, b], [{}, {}]);
    assert.equal(main.io.engine.id !== undefined, true);
    custom.emit("message", "in custom");
    assert.deepEqual(await event(custom, "message-back"), ["in custom"]);
    main.emit("message", "in main");
    assert.deepEqual(await event(main, "message-back"), ["in main"]);
  });

  it("refuses an unknown namespace", async () => {
    const socket = connect("/nowhere");
    const [error] = await event(socket, "connect_error");
    assert.equal(error.message, "Invalid namespace");
  });

  it("shows a middleware refusal as connect_error with its message and data", async () => {
    const refused = connect("/guarded", { auth: { token: "wrong" } });
    const [error] = await event(refused, "connect_error");
    assert.equal(error.message, "not authorized");
    assert.deepEqual(error.data, { code: "token_missing" });
    const { auth } = await connected("/guarded", { auth: { token: "letmein" } });
    assert.deepEqual(auth, { token: "letmein" });
  });
});

describe("allowRequest", () => {
  it("refuses a handshake with 403 and the reference's body, before any session exists", async () => {
    const url = `${server.base}/socket.io/?EIO=4&transport=polling&refuse=yes`;
    const answer = await fetch(url);
    assert.equal(answer.status, 403);
    assert.deepEqual(await answer.json(), { code: 4, message: "Refused by allowRequest" });
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = connect("/", { transports, query: { refuse: "yes" } });
      const [error] = await event(socket, "connect_error");
      assert.match(error.message, transports[0] === "polling" ? /xhr poll error/ : /websocket error/);
    }
    const { socket } = await connected("/", { query: { refuse: "no" } });
    assert.ok(socket.connected);
  });
});

describe("emit with C++ values", () => {
  it("emit(\"typed\", 1, \"two\", binary, ...) arrives as (1, \"two\", Buffer, ...)", async () => {
    const { socket } = await connected("/");
    const typed = event(socket, "typed");
    await socket.emitWithAck("typed");
    const [one, two, bytes, list, map, date] = await typed;
    assert.deepEqual([one, two, list, map], [1, "two", [3, 4], { ok: true }]);
    assert.ok(Buffer.isBuffer(bytes));
    assert.deepEqual(bytes, Buffer.from([1, 2]));
    assert.equal(new Date(date).getTime(), 1796226000123);
  });
});

describe("socket.handshake()", () => {
  it("has Node's fields, every query key among them", async () => {
    const { socket } = await connected("/", { query: { room: "lobby", lang: "fr" }, auth: { token: "t" }, extraHeaders: { "x-trace": "abc" } });
    const handshake = await socket.emitWithAck("handshake");
    assert.deepEqual(Object.keys(handshake), ["headers", "time", "address", "xdomain", "issued", "url", "query", "auth"]);
    const { t, ...query } = handshake.query;  // t: the polling transport's cache buster, when it sends one
    assert.deepEqual(query, { room: "lobby", lang: "fr", EIO: "4", transport: "polling" });
    assert.deepEqual(handshake.auth, { token: "t" });
    assert.equal(handshake.headers["x-trace"], "abc");
    assert.equal(handshake.address, "127.0.0.1");
    assert.equal(handshake.xdomain, false);
    assert.ok(Math.abs(handshake.issued - Date.now()) < 60000, handshake.issued);
    assert.equal(new Date(handshake.time).getTime(), Math.floor(handshake.issued / 1000) * 1000);
    assert.match(handshake.url, /^\/socket\.io\/\?/);
  });
});

describe("acks", () => {
  it("socket.timeout(ms).emit_with_ack: the callback gets its socket and the answer, or the timeout", async () => {
    const { socket } = await connected("/");
    socket.on("question", (n, reply) => { if (n > 0) reply(n * 2); });  // 0: never answers
    assert.deepEqual(await socket.emitWithAck("ask-timed", 2000, 21), { socket: socket.id, answer: [42] });
    assert.deepEqual(await socket.emitWithAck("ask-timed", 100, 0), { socket: socket.id, error: "operation has timed out" });
  });

  it("times out when the client never answers, and reports it", async () => {
    const { socket } = await connected("/");
    socket.on("question", () => {});  // never answers
    assert.deepEqual(await socket.emitWithAck("ask", 100, "hello?"), { error: "operation has timed out" });
  });

  it("times out on the client when the server never answers", async () => {
    const { socket } = await connected("/");
    await assert.rejects(socket.timeout(100).emitWithAck("no-such-event"), /timed out/);
  });
});

describe("rooms and broadcasts", () => {
  it("socket.broadcast reaches every other socket of the namespace, never the sender", async () => {
    const [a, b, c] = (await Promise.all([0, 1, 2].map(() => connected("/")))).map((client) => client.socket);
    const seenByA = [];
    a.on("shouted", (text) => seenByA.push(text));
    const arrivals = [b, c].map((s) => event(s, "shouted"));
    await a.emitWithAck("shout", "from a");
    assert.deepEqual(await Promise.all(arrivals), [["from a"], ["from a"]]);
    // Delivery keeps order per client: once a has b's shout, it will never see its own.
    const fromB = event(a, "shouted");
    await b.emitWithAck("shout", "from b");
    assert.deepEqual(await fromB, ["from b"]);
    assert.deepEqual(seenByA, ["from b"]);
  });

  it("delivers only to the room, and to(room) skips the sender", async () => {
    const [a, b, c, d] = (await Promise.all([0, 1, 2, 3].map(() => connected("/")))).map((client) => client.socket);
    await Promise.all([a, b, c].map((s) => s.emitWithAck("join", "r1")));
    await d.emitWithAck("join", "r2");
    const got = new Map([a, b, c, d].map((s) => [s, []]));
    const waiters = [];
    for (const s of [a, b, c, d]) {
      s.on("room-message", (text) => {
        got.get(s).push(text);
        waiters.filter((w) => w.socket === s && w.text === text).forEach((w) => w.resolve());
      });
    }
    const receives = (s, text) => new Promise((resolve) => waiters.push({ socket: s, text, resolve }));

    const arrivals = [b, c].map((s) => receives(s, "from a")).concat([a, b, c].map((s) => receives(s, "to r1")));
    await a.emitWithAck("to-room", "r1", "from a");
    await b.emitWithAck("broadcast", "r1", "to r1");
    await Promise.all(arrivals);
    // Delivery keeps order per client: a saw "to r1" (sent after "from a"), so it will never
    // see "from a". Between two senders on different shards there is no order to keep: b's
    // message may be read before the broadcast a's shard posted is delivered (as between two
    // nodes of a cluster), so b and c each get both, in either order.
    assert.deepEqual(got.get(a), ["to r1"]);
    assert.deepEqual([...got.get(b)].sort(), ["from a", "to r1"]);
    assert.deepEqual([...got.get(c)].sort(), ["from a", "to r1"]);
    const barrier = receives(d, "to r2");
    await a.emitWithAck("broadcast", "r2", "to r2");
    await barrier;
    assert.deepEqual(got.get(d), ["to r2"]);

    await b.emitWithAck("leave", "r1");
    const again = [a, c].map((s) => receives(s, "after leave"));
    await c.emitWithAck("broadcast", "r1", "after leave");
    await Promise.all(again);
    const bBarrier = receives(b, "b only");
    await c.emitWithAck("broadcast", b.id, "b only");  // every socket is in the room of its own id
    await bBarrier;
    assert.deepEqual(got.get(b), ["from a", "to r1", "b only"]);
  });

  it("collects every recipient's answer to a broadcast, or those before the timeout", async () => {
    const [a, b, c] = (await Promise.all([0, 1, 2].map(() => connected("/")))).map((client) => client.socket);
    await Promise.all([a, b, c].map((s) => s.emitWithAck("join", "asked")));
    a.on("room-question", (q, reply) => reply(`a:${q}`));
    b.on("room-question", (q, reply) => reply(`b:${q}`));
    c.on("room-question", (q, reply) => reply(`c:${q}`));
    assert.deepEqual(await a.emitWithAck("broadcast-ack", "asked", 2000, "q1"), { answers: [["a:q1"], ["b:q1"], ["c:q1"]] });

    c.off("room-question");
    c.on("room-question", () => {});  // c never answers
    assert.deepEqual(await a.emitWithAck("broadcast-ack", "asked", 200, "q2"),
                     { answers: [["a:q2"], ["b:q2"]], error: "operation has timed out" });
    assert.deepEqual(await a.emitWithAck("broadcast-ack", "nobody-here", 2000, "q3"), { answers: [] });
  });

  it("encodes a broadcast to 1,000 sockets once", { timeout: 120_000 }, async () => {
    // A server of its own: the suite's 300 ms heartbeat and 1 s connect timeout are more than a
    // thousand clients in this one process can keep up with on a busy machine.
    const crowdServer = await startFixture("sio-conformance-server",
                                           ["--ping-interval-ms", "25000", "--ping-timeout-ms", "20000",
                                            "--connect-timeout-ms", "45000"]);
    const join = async (options = {}) => {
      const socket = io(crowdServer.base, { forceNew: true, reconnection: false, ...options });
      open.push(socket);
      await event(socket, "auth");
      return socket;
    };
    try {
      const probe = await join();
      const sockets = [];
      for (let batch = 0; batch < 20; batch++) {
        const some = await Promise.all(Array.from({ length: 50 }, () => join({ transports: ["websocket"] })));
        await Promise.all(some.map((s) => s.emitWithAck("join", "crowd")));
        sockets.push(...some);
      }
      const before = (await probe.emitWithAck("stats")).encoded_broadcasts;
      const received = Promise.all(sockets.map((s) => event(s, "room-message")));
      await probe.emitWithAck("broadcast", "crowd", "hello crowd");
      assert.equal((await received).length, 1000);
      assert.equal((await probe.emitWithAck("stats")).encoded_broadcasts, before + 1);
      const ids = await probe.emitWithAck("fetch", "crowd");
      assert.equal(ids.length, 1000);
      for (const s of [probe, ...sockets]) s.disconnect();
    } finally {
      await crowdServer.stop();
    }
  });
});

describe("server API", () => {
  it("creates dynamic namespaces on first connect, and only those it accepts", async () => {
    const { auth } = await connected("/dyn-42", { auth: { n: 42 } });
    assert.deepEqual(auth, { n: 42 });
    const [error] = await event(connect("/static-nope"), "connect_error");
    assert.equal(error.message, "Invalid namespace");
  });

  it("joins, leaves and disconnects the sockets of a room, from the server", async () => {
    const [a, b, c] = (await Promise.all([0, 1, 2].map(() => connected("/custom")))).map((client) => client.socket);
    await a.emitWithAck("join", "team");
    await b.emitWithAck("join", "team");
    await c.emitWithAck("all-join", "team", "team-2");
    await waitUntil(async () => (await c.emitWithAck("fetch", "team-2")).length === 2, 5000, "all-join");
    assert.deepEqual(await a.emitWithAck("rooms"), [a.id, "team", "team-2"].sort());
    await c.emitWithAck("all-leave", "team", "team-2");
    await waitUntil(async () => (await c.emitWithAck("fetch", "team-2")).length === 0, 5000, "all-leave");
    const counts = await c.emitWithAck("counts");
    assert.ok(counts.sockets >= 3 && counts.rooms >= counts.sockets + 1, JSON.stringify(counts));
    const gone = [event(a, "disconnect"), event(b, "disconnect")];
    await c.emitWithAck("all-disconnect", "team");
    assert.deepEqual((await Promise.all(gone)).map(([reason]) => reason), ["io server disconnect", "io server disconnect"]);
    assert.equal(c.connected, true);
  });

  it("refuses to emit a reserved event name", async () => {
    const { socket } = await connected("/");
    assert.equal(await socket.emitWithAck("emit-reserved"), true);
  });

  it("sees every event through on_any, and stops a listener with off", async () => {
    const { socket } = await connected("/");
    socket.emit("message", 1);
    await event(socket, "message-back");
    await socket.emitWithAck("off-message");
    socket.emit("message", 2);
    assert.equal(await socket.emitWithAck("events-seen"), 4);  // message, off-message, message, events-seen
    let echoed = false;
    socket.on("message-back", () => { echoed = true; });
    await socket.emitWithAck("events-seen");
    assert.equal(echoed, false);
  });

  it("runs disconnecting while the rooms are joined, and fails acks still pending", async () => {
    const { socket } = await connected("/");
    await socket.emitWithAck("join", "r-a");
    await socket.emitWithAck("join", "r-b");
    socket.on("question", () => {});  // never answers
    socket.emit("ask", 60000, "pending");
    await event(socket, "question");
    const { socket: observer } = await connected("/");
    socket.disconnect();
    await waitUntil(async () => (await observer.emitWithAck("last-disconnecting")).ask_error === "socket has been disconnected", 5000, "ack failed");
    assert.equal((await observer.emitWithAck("last-disconnecting")).rooms, 3);  // own id, r-a, r-b
  });
});

describe("pending acks", () => {
  it("are bounded per socket", async () => {
    const bounded = await startFixture("sio-conformance-server", ["--max-pending-acks", "2"]);
    try {
      const socket = io(bounded.base, { forceNew: true, reconnection: false });
      await event(socket, "auth");
      socket.on("question", () => {});  // never answers
      const first = socket.emitWithAck("ask", 500, "one");
      const second = socket.emitWithAck("ask", 500, "two");
      // The server handles one client's packets in order: "three" comes after two acks pending.
      assert.deepEqual(await socket.emitWithAck("ask", 500, "three"), { error: "too many acknowledgements pending" });
      assert.deepEqual(await first, { error: "operation has timed out" });
      assert.deepEqual(await second, { error: "operation has timed out" });
      socket.disconnect();
    } finally {
      await bounded.stop();
    }
  });
});

describe("disconnect", () => {
  it("reports a server-side disconnect, and the client can connect again", async () => {
    const { socket } = await connected("/");
    const reason = event(socket, "disconnect");
    socket.emit("disconnect-me");
    assert.equal((await reason)[0], "io server disconnect");
    const { socket: observer } = await connected("/");
    await waitUntil(async () => (await observer.emitWithAck("last-disconnect")) === "server namespace disconnect", 5000, "reason");
    socket.connect();
    await event(socket, "auth");
    assert.equal(socket.connected, true);
  });

  it("tells the server why a client left", async () => {
    const { socket } = await connected("/");
    const { socket: observer } = await connected("/");
    socket.disconnect();
    // The disconnect may be handled on another shard than the observer's question: ask until seen.
    await waitUntil(async () => (await observer.emitWithAck("last-disconnect")) === "client namespace disconnect", 5000, "reason");
  });
});
