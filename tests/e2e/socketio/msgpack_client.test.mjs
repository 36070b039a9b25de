// The official socket.io-client with socket.io-msgpack-parser 3.0.2 against the fixture run with
// --parser msgpack: every packet one binary MessagePack message, binary arguments as msgpack bin
// values; events, acks both ways, connect errors, over each transport. The same server serves
// JSON clients (v4 and v2) beside them: each connection's first message tells its parser, and a
// broadcast carries both encodings.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { io } from "socket.io-client";
import parser from "socket.io-msgpack-parser";
import { startFixture } from "../support/fixture.mjs";

let server;
const open = [];
before(async () => { server = await startFixture("sio-conformance-server", ["--parser", "msgpack", "--allow-eio3"]); });
after(async () => {
  for (const socket of open) socket.disconnect();
  await server.stop();
});

function connect(nsp, options) {
  const socket = io(`${server.base}${nsp}`, { forceNew: true, reconnection: false, parser, ...options });
  open.push(socket);
  return socket;
}
const event = (socket, name) => new Promise((resolve) => socket.once(name, (...args) => resolve(args)));

for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]]) {
  describe(`msgpack over ${transports.join(" then ")}`, () => {
    it("connects with its auth payload", async () => {
      const socket = connect("/", { transports, auth: { token: "abc", n: 1 } });
      const [auth] = await event(socket, "auth");
      assert.deepEqual(auth, { token: "abc", n: 1 });
      assert.match(socket.id, /^[A-Za-z0-9_-]{20}$/);
    });

    it("sends events both ways, with binary anywhere in the arguments", async () => {
      const socket = connect("/", { transports });
      await event(socket, "auth");
      socket.emit("message", 1, "two", { three: [true, null], f: 1.5 }, Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) });
      const args = await event(socket, "message-back");
      assert.deepEqual(args.slice(0, 3), [1, "two", { three: [true, null], f: 1.5 }]);
      assert.deepEqual(Buffer.from(args[3]), Buffer.from([1, 2, 3]));
      assert.deepEqual(Buffer.from(args[4].nested), Buffer.from([4]));
    });

    it("acks both ways", async () => {
      const socket = connect("/", { transports });
      await event(socket, "auth");
      const answer = await socket.emitWithAck("message-with-ack", "x", Buffer.from([9]));
      assert.equal(answer, "x");
      socket.on("question", (a, b, reply) => reply({ sum: a + b }));
      assert.deepEqual(await socket.emitWithAck("ask", 5000, 20, 22), { sum: 42 });
    });

    it("gets connect errors with their message and data", async () => {
      const refused = connect("/guarded", { transports, auth: { token: "wrong" } });
      const [error] = await event(refused, "connect_error");
      assert.equal(error.message, "not authorized");
      assert.deepEqual(error.data, { code: "token_missing" });
      const unknown = connect("/nope", { transports });
      const [invalid] = await event(unknown, "connect_error");
      assert.equal(invalid.message, "Invalid namespace");
    });

    it("receives room broadcasts", async () => {
      const a = connect("/", { transports });
      const b = connect("/", { transports });
      await Promise.all([event(a, "auth"), event(b, "auth")]);
      await a.emitWithAck("join", "r");
      await b.emitWithAck("join", "r");
      const got = event(b, "room-message");
      await a.emitWithAck("to-room", "r", "hello", Buffer.from([5]));
      const [text, bytes] = await got;
      assert.equal(text, "hello");
      assert.deepEqual(Buffer.from(bytes), Buffer.from([5]));
    });
  });
}

describe("msgpack, JSON v4 and v2 clients on one server", () => {
  it("share rooms and broadcasts, each in its own parser", async () => {
    const packed = connect("/", { transports: ["websocket"] });
    const json = io(server.base, { forceNew: true, reconnection: false, transports: ["polling"] });
    const v2 = createRequire(import.meta.url)("socket.io-client-v2")(server.base, { forceNew: true, reconnection: false });
    open.push(json, v2);
    await Promise.all([event(packed, "auth"), event(json, "auth"), event(v2, "auth")]);
    await packed.emitWithAck("join", "mixed");
    await json.emitWithAck("join", "mixed");
    await new Promise((resolve) => v2.emit("join", "mixed", resolve));

    const atJson = event(json, "room-message");
    const atV2 = event(v2, "room-message");
    await packed.emitWithAck("to-room", "mixed", "from msgpack", Buffer.from([1, 2]));
    for (const [text, bytes] of [await atJson, await atV2]) {
      assert.equal(text, "from msgpack");
      assert.deepEqual(Buffer.from(bytes), Buffer.from([1, 2]));
    }
    const atPacked = event(packed, "room-message");
    await json.emitWithAck("to-room", "mixed", "from json", Buffer.from([3]));
    const [text, bytes] = await atPacked;
    assert.equal(text, "from json");
    assert.deepEqual(Buffer.from(bytes), Buffer.from([3]));
  });
});
