// Socket.IO v2 clients (the npm socket.io-client 2.5, Engine.IO protocol 3) against the fixture
// with allow_eio3, beside a v4 client on the same server: the v2 connection rules (in "/" at
// once, the namespace query as auth, v2 socket ids, string connect errors), events, acks and
// binary, over polling (binary and base64) and WebSocket.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { io as ioV4 } from "socket.io-client";
import { startFixture } from "../support/fixture.mjs";

const ioV2 = createRequire(import.meta.url)("socket.io-client-v2");

let server;
const open = [];
before(async () => { server = await startFixture("sio-conformance-server", ["--allow-eio3"]); });
after(async () => {
  for (const socket of open) socket.close();
  await server.stop();
});

function connect(nsp, options) {
  const socket = ioV2(`${server.base}${nsp}`, { forceNew: true, reconnection: false, ...options });
  open.push(socket);
  return socket;
}
const event = (socket, name) => new Promise((resolve) => socket.once(name, (...args) => resolve(args)));

const transportsOf = {
  polling: { transports: ["polling"] },
  "polling as base64": { transports: ["polling"], forceBase64: true },
  websocket: { transports: ["websocket"] },
  "websocket as base64": { transports: ["websocket"], forceBase64: true },
  "polling then websocket": { transports: ["polling", "websocket"] },
};

for (const [name, options] of Object.entries(transportsOf)) {
  describe(`a v2 client over ${name}`, () => {
    it("is in \"/\" at once, with the engine id as its socket id", async () => {
      const socket = connect("/", options);
      const [auth] = await event(socket, "auth");  // the fixture greets every connection
      assert.deepEqual(auth, {});
      assert.equal(socket.id, socket.io.engine.id);
    });

    it("sends events both ways, with binary anywhere in the arguments", async () => {
      const socket = connect("/", options);
      await event(socket, "auth");
      socket.emit("message", 1, "two", { three: [true, null] }, Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) });
      const args = await event(socket, "message-back");
      assert.deepEqual(args.slice(0, 3), [1, "two", { three: [true, null] }]);
      assert.deepEqual(Buffer.from(args[3]), Buffer.from([1, 2, 3]));
      assert.deepEqual(Buffer.from(args[4].nested), Buffer.from([4]));
    });

    it("acks both ways", async () => {
      const socket = connect("/", options);
      await event(socket, "auth");
      const answer = await new Promise((resolve) => socket.emit("message-with-ack", "x", Buffer.from([9]), (...args) => resolve(args)));
      assert.equal(answer[0], "x");
      assert.deepEqual(Buffer.from(answer[1]), Buffer.from([9]));
      socket.on("question", (a, b, reply) => reply({ sum: a + b }));
      const asked = await new Promise((resolve) => socket.emit("ask", 5000, 20, 22, resolve));
      assert.deepEqual(asked, { sum: 42 });
    });

    it("joins a namespace with its query as the auth payload, and gets refusals as v2 reads them", async () => {
      const custom = connect("/custom?token=abc&x=1", options);
      const [auth] = await event(custom, "auth");
      assert.deepEqual(auth, { token: "abc", x: "1" });
      assert.equal(custom.id, `/custom#${custom.io.engine.id}`);

      const refused = connect("/guarded?token=wrong", options);
      const [error] = await event(refused, "error");
      assert.deepEqual(error, { code: "token_missing" });  // the error's data, as v2 carries it
      const admitted = connect("/guarded?token=letmein", options);
      await event(admitted, "auth");

      const unknown = connect("/nope", options);
      const [invalid] = await event(unknown, "error");
      assert.deepEqual(invalid, { message: "Invalid namespace" });
    });
  });
}

describe("v2 and v4 clients on one server", () => {
  it("share rooms and broadcasts", async () => {
    const v2 = connect("/", transportsOf.websocket);
    await event(v2, "auth");
    const v4 = ioV4(server.base, { forceNew: true, reconnection: false, transports: ["websocket"] });
    open.push(v4);
    await event(v4, "auth");
    await new Promise((resolve) => v2.emit("join", "mixed", resolve));
    await new Promise((resolve) => v4.emit("join", "mixed", resolve));
    const atV2 = event(v2, "room-message");
    v4.emit("to-room", "mixed", "from v4", Buffer.from([7]));
    const [text, bytes] = await atV2;
    assert.equal(text, "from v4");
    assert.deepEqual(Buffer.from(bytes), Buffer.from([7]));
  });
});
