// The official engine.io-client (npm) against the Engine.IO server, in Node.js.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { Socket } from "engine.io-client";
import { startFixture } from "../support/fixture.mjs";

let server;
before(async () => { server = await startFixture("eio-conformance-server", ["--cors-origin", "https://app.example.com"]); });
after(async () => { await server.stop(); });

function connect(options) {
  const socket = new Socket(server.base, { path: "/engine.io/", ...options });
  const messages = [];
  const waiters = [];
  socket.on("message", (data) => {
    const waiter = waiters.shift();
    if (waiter) waiter(data); else messages.push(data);
  });
  socket.nextMessage = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve)));
  return socket;
}

async function echoes(socket) {
  socket.send("hello");
  assert.equal(await socket.nextMessage(), "hello");
  socket.send(Buffer.from([0, 1, 2, 255]));
  assert.deepEqual(Buffer.from(await socket.nextMessage()), Buffer.from([0, 1, 2, 255]));
  socket.send("€ and 😀");
  assert.equal(await socket.nextMessage(), "€ and 😀");
}

describe("engine.io-client", () => {
  it("talks over polling only", async () => {
    const socket = connect({ transports: ["polling"] });
    await once(socket, "open");
    assert.equal(socket.transport.name, "polling");
    await echoes(socket);
    socket.close();
  });

  it("talks over WebSocket only", async () => {
    const socket = connect({ transports: ["websocket"] });
    await once(socket, "open");
    assert.equal(socket.transport.name, "websocket");
    await echoes(socket);
    socket.close();
  });

  it("starts on polling and upgrades to WebSocket", async () => {
    const socket = connect({ transports: ["polling", "websocket"] });
    await once(socket, "open");
    assert.equal(socket.transport.name, "polling");
    const [transport] = await once(socket, "upgrade");
    assert.equal(transport.name, "websocket");
    await echoes(socket);
    socket.close();
  });

  it("keeps a session alive over several heartbeats", async () => {
    const socket = connect({ transports: ["websocket"] });
    await once(socket, "open");
    for (let i = 0; i < 3; i++) await once(socket, "ping");
    await echoes(socket);
    socket.close();
  });

  it("is closed when it sends more than maxPayload", async () => {
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = connect({ transports });
      await once(socket, "open");
      socket.on("error", () => {});  // expected: the transport fails
      const closed = new Promise((resolve) => socket.on("close", resolve));  // once() would reject on "error"
      socket.send("x".repeat(1_000_001));
      const reason = await closed;
      // Polling: the POST gets 413 ("xhr post error"); WebSocket: the server closes with 1009.
      assert.match(reason, /transport error|transport close/, `${transports}: ${reason}`);
    }
  });

  it("cannot connect from a refused origin", async () => {
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = connect({ transports, extraHeaders: { origin: "https://evil.com" } });
      await once(socket, "error");
      socket.close();
    }
  });

  it("connects from an allowed origin", async () => {
    const socket = connect({ transports: ["polling"], extraHeaders: { origin: "https://app.example.com" } });
    await once(socket, "open");
    await echoes(socket);
    socket.close();
  });
});
