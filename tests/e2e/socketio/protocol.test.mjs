// The Socket.IO v5 server against its specification (socketio/socket.io-protocol Readme):
// every packet type, both directions, and every error case, over a raw WebSocket.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startFixture } from "../support/fixture.mjs";
import { openSocket } from "../support/eio.mjs";

let server;
before(async () => { server = await startFixture("sio-conformance-server"); });
after(async () => { await server.stop(); });

// An Engine.IO WebSocket session whose next() skips heartbeat pings.
async function session() {
  const socket = openSocket(`${server.ws}/socket.io/?EIO=4&transport=websocket`);
  const next = socket.next;
  socket.next = async () => {
    for (;;) {
      const message = await next();
      if (message !== "2") return message;
      socket.send("3");
    }
  };
  assert.equal((await socket.next())[0], "0");
  return socket;
}

async function connected(nsp = "") {
  const socket = await session();
  socket.send(`40${nsp}`);
  const answer = await socket.next();
  assert.match(answer, new RegExp(`^40${nsp.replace("/", "\\/")}\\{"sid":"[A-Za-z0-9_-]{20}"\\}$`));
  await socket.next();  // the fixture's "auth" event
  return socket;
}

describe("CONNECT", () => {
  it("joins the main namespace, with or without a payload", async () => {
    const socket = await session();
    socket.send("40");
    assert.match(await socket.next(), /^40\{"sid":"[A-Za-z0-9_-]{20}"\}$/);
    assert.equal(await socket.next(), '42["auth",{}]');
    const other = await session();
    other.send('40{"token":"123"}');
    await other.next();
    assert.equal(await other.next(), '42["auth",{"token":"123"}]');
  });

  it("joins a custom namespace, with or without the trailing comma", async () => {
    for (const packet of ["40/custom,", "40/custom", '40/custom,{"token":"abc"}']) {
      const socket = await session();
      socket.send(packet);
      assert.match(await socket.next(), /^40\/custom,\{"sid":"[A-Za-z0-9_-]{20}"\}$/);
      assert.match(await socket.next(), /^42\/custom,\["auth",\{.*\}\]$/);
    }
  });

  it("gives each namespace of one connection its own socket id", async () => {
    const socket = await session();
    socket.send("40");
    const main = JSON.parse((await socket.next()).substring(2)).sid;
    await socket.next();
    socket.send("40/custom,");
    const custom = JSON.parse((await socket.next()).substring(10)).sid;
    assert.notEqual(main, custom);
  });

  it("answers an unknown namespace with CONNECT_ERROR", async () => {
    const socket = await session();
    socket.send("40/random");
    assert.equal(await socket.next(), '44/random,{"message":"Invalid namespace"}');
  });

  it("answers a middleware refusal with CONNECT_ERROR carrying message and data", async () => {
    const socket = await session();
    socket.send('40/guarded,{"token":"nope"}');
    assert.equal(await socket.next(), '44/guarded,{"message":"not authorized","data":{"code":"token_missing"}}');
    socket.send('40/guarded,{"token":"letmein"}');
    assert.match(await socket.next(), /^40\/guarded,\{"sid":/);
  });

  it("closes the connection on an invalid handshake or payload", async () => {
    for (const packet of ["4abc", "40[]", '40"token"', "41x"]) {
      const socket = await session();
      socket.send(packet);
      await socket.closed;
    }
  });

  it("closes a connection that joins no namespace within connectTimeout", async () => {
    const socket = await session();
    await socket.closed;
  });
});

describe("EVENT and ACK", () => {
  it("delivers events with any JSON arguments", async () => {
    const socket = await connected();
    socket.send('42["message",1,"2",{"3":[true]},null,1.5e+21,"é😀"]');
    assert.equal(await socket.next(), '42["message-back",1,"2",{"3":[true]},null,1.5e+21,"é😀"]');
  });

  it("delivers binary events, attachments in order", async () => {
    const socket = await connected("/custom,");
    socket.send('452-/custom,["message",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}]');
    socket.send(Buffer.from([1, 2, 3]));
    socket.send(Buffer.from([4, 5, 6]));
    assert.equal(await socket.next(), '452-/custom,["message-back",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}]');
    assert.deepEqual(await socket.next(), Buffer.from([1, 2, 3]));
    assert.deepEqual(await socket.next(), Buffer.from([4, 5, 6]));
  });

  it("acks a client's event, with plain and binary arguments", async () => {
    const socket = await connected();
    socket.send('42456["message-with-ack",1,"2",{"3":[false]}]');
    assert.equal(await socket.next(), '43456[1,"2",{"3":[false]}]');
    socket.send('451-789["message-with-ack",{"_placeholder":true,"num":0}]');
    socket.send(Buffer.from([7]));
    assert.equal(await socket.next(), '461-789[{"_placeholder":true,"num":0}]');
    assert.deepEqual(await socket.next(), Buffer.from([7]));
  });

  it("takes the client's answer to a server event, plain or binary", async () => {
    const socket = await connected();
    socket.send('421["ask",2000,"q"]');
    const question = await socket.next();
    const id = /^42(\d+)\["question","q"\]$/.exec(question)[1];
    socket.send(`43${id}["answer"]`);
    assert.equal(await socket.next(), '431["answer"]');

    socket.send('422["ask",2000,"q2"]');
    const id2 = /^42(\d+)\[/.exec(await socket.next())[1];
    socket.send(`461-${id2}[{"_placeholder":true,"num":0}]`);
    socket.send(Buffer.from([42]));
    assert.equal(await socket.next(), '461-2[{"_placeholder":true,"num":0}]');
    assert.deepEqual(await socket.next(), Buffer.from([42]));
  });

  it("ignores an ACK nobody waits for", async () => {
    const socket = await connected();
    socket.send('4399["late"]');
    socket.send('42["message","still here"]');
    assert.equal(await socket.next(), '42["message-back","still here"]');
  });

  it("closes the connection on a packet for a namespace not joined, as the reference server does", async () => {
    for (const packet of ['42/custom,["message","not joined"]', '43/custom,1[]', "41/custom,", "40", '44{"message":"x"}']) {
      const socket = await connected();
      socket.send(packet);
      await socket.closed;
    }
  });

  it("closes the connection on invalid input", async () => {
    for (const packets of [["4abc"], ["42{}"], ["42[]"], ['42abc["message"]'], ['42["disconnect"]'],
                           ['451-["message"]', Buffer.from([1])], [Buffer.from([1])],
                           ['452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', Buffer.from([1]), '42["x"]']]) {
      const socket = await connected();
      for (const packet of packets) socket.send(packet);
      await socket.closed;
    }
  });
});

describe("DISCONNECT", () => {
  it("leaves the namespace but keeps the connection", async () => {
    const socket = await connected();
    socket.send("40/custom,");
    await socket.next();
    await socket.next();
    socket.send("41/custom,");
    socket.send('42["message","main"]');
    assert.equal(await socket.next(), '42["message-back","main"]');
  });

  it("is sent by the server when it disconnects a socket", async () => {
    const socket = await connected("/custom,");
    socket.send('42/custom,["disconnect-me"]');
    assert.equal(await socket.next(), "41/custom,");
  });
});
