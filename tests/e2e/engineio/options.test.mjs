// Server options: permessage-deflate, the bounded outbound queue and its overflow policies, and
// what a session knows of its client. (TLS: tests/e2e/server/tls.test.mjs.)
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startFixture, waitUntil } from "../support/fixture.mjs";
import { openPolling, openSocket, poll, post, stats } from "../support/eio.mjs";

const started = [];
async function fixture(args) {
  const server = await startFixture("eio-conformance-server", args);
  started.push(server);
  return server;
}
after(async () => { for (const server of started) await server.stop(); });

describe("permessage-deflate", () => {
  it("is off by default and on by option", async () => {
    const plain = await fixture([]);
    const deflating = await fixture(["--per-message-deflate"]);
    const off = openSocket(`${plain.ws}/engine.io/?EIO=4&transport=websocket`, { perMessageDeflate: true });
    await off.next();
    assert.equal(off.extensions, "");
    const on = openSocket(`${deflating.ws}/engine.io/?EIO=4&transport=websocket`, { perMessageDeflate: true });
    await on.next();
    assert.match(on.extensions, /permessage-deflate/);
    on.send("4" + "compressible ".repeat(1000));
    assert.equal(await on.next(), "4" + "compressible ".repeat(1000));
    off.close();
    on.close();
  });
});

describe("outbound queue", () => {
  it("closes a session whose queue overflows, by default", async () => {
    const server = await fixture(["--max-queue", "10"]);
    const { sid } = await openPolling(server.base);
    await post(server.base, sid, "4flood:20");
    assert.equal((await poll(server.base, sid)).status, 400);
  });

  it("drops what does not fit under the drop policy, and keeps the session", async () => {
    const server = await fixture(["--max-queue", "10", "--overflow", "drop"]);
    const { sid } = await openPolling(server.base);
    await post(server.base, sid, "4flood:20");
    const expected = Array.from({ length: 10 }, (_, i) => `4m${i}`).join("\x1e");
    assert.equal(await (await poll(server.base, sid)).text(), expected);
    await post(server.base, sid, "4still here");
    assert.match(await (await poll(server.base, sid)).text(), /4still here$/);
    const counted = await stats(server.base);
    // The traffic counters behind /metrics: 10 of the 20 floods, and the fixture's report line.
    assert.equal(counted.overflows, 11);
    assert.equal(counted.dropped, 11);
  });

  it("drops volatile packets that the transport cannot take now", async () => {
    const server = await fixture([]);
    const { sid } = await openPolling(server.base);
    await post(server.base, sid, "4vflood:5");
    assert.equal(await (await poll(server.base, sid)).text(), "4flooded 0 5 0");

    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`);
    await socket.next();
    // A WebSocket whose socket takes each write at once is always ready: none is dropped.
    socket.send("4vflood:100");
    for (let i = 0; i < 100; i += 1) assert.equal(await socket.next(), `4m${i}`);
    assert.equal(await socket.next(), "4flooded 100 0 0");
    socket.close();
    assert.equal((await stats(server.base)).dropped, 5);
  });
});

describe("read-ahead", () => {
  it("echoes thousands of messages in order after an upgrade (the reader pauses and resumes)", async () => {
    // A long heartbeat: the pong waits behind the flood, and sanitizer builds are slow.
    const server = await fixture(["--ping-interval-ms", "10000", "--ping-timeout-ms", "20000"]);
    for (let attempt = 0; attempt < 4; attempt++) {  // the WebSocket lands on either shard
      const { sid } = await openPolling(server.base);
      const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
      await socket.opened;
      socket.send("2probe");
      assert.equal(await socket.next(), "3probe");
      socket.send("5");
      for (let i = 0; i < 2000; i++) socket.send(`4m${i}`);
      for (let i = 0; i < 2000; i++) assert.equal(await socket.next(), `4m${i}`);
      socket.close();
    }
  });
});

describe("session info", () => {
  it("knows its id, transport, remote address and handshake query", async () => {
    const server = await fixture([]);
    const response = await fetch(`${server.base}/engine.io/?EIO=4&transport=polling&probe=a%20b`);
    const { sid } = JSON.parse((await response.text()).substring(1));
    await post(server.base, sid, "4info");
    const info = JSON.parse((await (await poll(server.base, sid)).text()).substring(1));
    assert.deepEqual(info, { id: sid, transport: "polling", remote: "127.0.0.1", probe: "a b" });

    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    await socket.opened;
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    socket.send("5");
    socket.send("4info");
    assert.equal(JSON.parse((await socket.next()).substring(1)).transport, "websocket");
    socket.close();
    await waitUntil(async () => (await poll(server.base, sid)).status === 400, 5000, "session closed");
  });
});
