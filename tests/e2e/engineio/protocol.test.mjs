// The Engine.IO v4 server against its specification (socketio/engine.io-protocol README):
// handshake, messages, heartbeat, close, upgrade and every error, over fetch and ws.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startFixture, waitUntil } from "../support/fixture.mjs";
import { PING_INTERVAL, PING_TIMEOUT, eioUrl, openPolling, openSocket, poll, post, stats } from "../support/eio.mjs";

let server;
before(async () => { server = await startFixture("eio-conformance-server", ["--upgrade-timeout-ms", "400"]); });
after(async () => { await server.stop(); });

const errorOf = async (response) => ({ status: response.status, body: await response.json() });
const sessionGone = async (sid) => (await poll(server.base, sid)).status === 400;

describe("handshake", () => {
  it("opens a polling session with the open packet", async () => {
    const response = await fetch(eioUrl(server.base));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=UTF-8");
    const text = await response.text();
    assert.equal(text[0], "0");
    const open = JSON.parse(text.substring(1));
    assert.deepEqual(Object.keys(open).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
    assert.match(open.sid, /^[A-Za-z0-9_-]{20}$/);
    assert.deepEqual(open.upgrades, ["websocket"]);
    assert.equal(open.pingInterval, PING_INTERVAL);
    assert.equal(open.pingTimeout, PING_TIMEOUT);
    assert.equal(open.maxPayload, 1000000);
  });

  it("gives every session its own id", async () => {
    const ids = new Set();
    for (let i = 0; i < 50; i++) ids.add((await openPolling(server.base)).sid);
    assert.equal(ids.size, 50);
  });

  it("opens a WebSocket session with no upgrades", async () => {
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`);
    const open = JSON.parse((await socket.next()).substring(1));
    assert.deepEqual(open.upgrades, []);
    assert.equal(open.pingInterval, PING_INTERVAL);
    socket.close();
  });

  it("refuses an unsupported or missing protocol version with code 5", async () => {
    for (const query of ["transport=polling", "EIO=3&transport=polling", "EIO=abc&transport=polling"]) {
      assert.deepEqual(await errorOf(await fetch(`${server.base}/engine.io/?${query}`)),
                       { status: 400, body: { code: 5, message: "Unsupported protocol version" } });
    }
  });

  it("refuses an unknown or missing transport with code 0", async () => {
    for (const query of ["EIO=4", "EIO=4&transport=abc", "EIO=4&transport=webtransport"]) {
      assert.deepEqual(await errorOf(await fetch(`${server.base}/engine.io/?${query}`)),
                       { status: 400, body: { code: 0, message: "Transport unknown" } });
    }
  });

  it("refuses a handshake that is not a GET with code 2", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      assert.deepEqual(await errorOf(await fetch(eioUrl(server.base), { method })),
                       { status: 400, body: { code: 2, message: "Bad handshake method" } });
    }
  });

  it("refuses a websocket transport over plain HTTP with code 3", async () => {
    assert.deepEqual(await errorOf(await fetch(`${server.base}/engine.io/?EIO=4&transport=websocket`)),
                     { status: 400, body: { code: 3, message: "Bad request" } });
  });

  it("refuses an unknown session id with code 1, on every transport", async () => {
    for (const sid of ["AAAAAAAAAAAAAAAAAAAA", "nope", "%00", "z".repeat(500)]) {
      assert.deepEqual(await errorOf(await poll(server.base, sid)), { status: 400, body: { code: 1, message: "Session ID unknown" } });
      assert.deepEqual(await errorOf(await post(server.base, sid, "4x")), { status: 400, body: { code: 1, message: "Session ID unknown" } });
    }
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA`);
    await assert.rejects(socket.opened, { status: 400 });
  });

  it("refuses a WebSocket handshake with a bad version or transport", async () => {
    for (const query of ["transport=websocket", "EIO=abc&transport=websocket", "EIO=4", "EIO=4&transport=polling"]) {
      const socket = openSocket(`${server.ws}/engine.io/?${query}`);
      await assert.rejects(socket.opened, { status: 400 });
    }
  });

  it("answers 431 to headers over the limit (16 KiB)", async () => {
    const response = await fetch(eioUrl(server.base), { headers: { "x-big": "y".repeat(20 * 1024) } });
    assert.equal(response.status, 431);
    assert.equal((await fetch(eioUrl(server.base), { headers: { "x-ok": "y".repeat(8 * 1024) } })).status, 200);
  });

  it("leaves other paths to the application's routes", async () => {
    assert.equal((await fetch(`${server.base}/elsewhere`)).status, 404);
    assert.equal((await fetch(`${server.base}/stats`)).status, 200);
  });
});

describe("messages over polling", () => {
  it("echoes one text packet", async () => {
    const { sid } = await openPolling(server.base);
    const pushed = await post(server.base, sid, "4hello");
    assert.equal(pushed.status, 200);
    assert.equal(await pushed.text(), "ok");
    const polled = await poll(server.base, sid);
    assert.equal(polled.headers.get("content-type"), "text/plain; charset=UTF-8");
    assert.equal(await polled.text(), "4hello");
  });

  it("batches queued packets into one response, text and binary", async () => {
    const { sid } = await openPolling(server.base);
    await post(server.base, sid, "4test1\x1e4test2\x1ebAQIDBA==\x1e4€");
    assert.equal(await (await poll(server.base, sid)).text(), "4test1\x1e4test2\x1ebAQIDBA==\x1e4€");
  });

  it("holds a GET until a packet arrives", async () => {
    const { sid } = await openPolling(server.base);
    const pending = poll(server.base, sid);
    await post(server.base, sid, "4late");
    assert.equal(await (await pending).text(), "4late");
  });

  it("closes the session on a malformed payload", async () => {
    for (const body of ["abc", "4ok\x1e", "\x1e", "bnot-base64!", "9"]) {
      const { sid } = await openPolling(server.base);
      assert.deepEqual(await errorOf(await post(server.base, sid, body)), { status: 400, body: { code: 3, message: "Bad request" } });
      assert.ok(await sessionGone(sid), `session survived ${JSON.stringify(body)}`);
    }
  });

  it("answers 413 to a body over maxPayload and keeps the session", async () => {
    const { sid } = await openPolling(server.base);
    const response = await post(server.base, sid, "4" + "x".repeat(1000000));
    assert.equal(response.status, 413);
    const ok = await post(server.base, sid, "4" + "x".repeat(999999));
    assert.equal(ok.status, 200);
  });

  it("closes the session on two GETs at once", async () => {
    const { sid } = await openPolling(server.base);
    const waiting = (await stats(server.base)).waiting_polls;
    const first = poll(server.base, sid);
    await waitUntil(async () => (await stats(server.base)).waiting_polls > waiting, 5000, "the first GET");
    const second = await poll(server.base, sid);
    assert.equal(second.status, 400);
    assert.equal(await (await first).text(), "1");
    assert.ok(await sessionGone(sid));
  });
});

describe("messages over WebSocket", () => {
  const open = async () => {
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`);
    await socket.next();
    return socket;
  };

  it("echoes text and binary frames", async () => {
    const socket = await open();
    socket.send("4hello");
    assert.equal(await socket.next(), "4hello");
    socket.send(Buffer.from([1, 2, 3, 4]));
    assert.deepEqual(await socket.next(), Buffer.from([1, 2, 3, 4]));
    socket.close();
  });

  it("closes on a malformed packet", async () => {
    const socket = await open();
    socket.send("abc");
    await socket.closed;
  });

  it("closes on a message over maxPayload", async () => {
    const socket = await open();
    socket.send("4" + "x".repeat(1000000));
    assert.equal(await socket.closed, 1009);
  });
});

describe("heartbeat", () => {
  it("pings a polling client, which stays open while it answers", async () => {
    const { sid } = await openPolling(server.base);
    for (let i = 0; i < 3; i++) {
      assert.equal(await (await poll(server.base, sid)).text(), "2");
      assert.equal((await post(server.base, sid, "3")).status, 200);
    }
  });

  it("closes a polling session that does not answer", async () => {
    const { sid } = await openPolling(server.base);
    assert.equal(await (await poll(server.base, sid)).text(), "2");
    const started = Date.now();
    await waitUntil(() => sessionGone(sid), 5000, "ping timeout");
    assert.ok(Date.now() - started >= PING_TIMEOUT - 20);
  });

  it("pings a WebSocket client and closes it when it stops answering", async () => {
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`);
    await socket.next();
    for (let i = 0; i < 2; i++) {
      assert.equal(await socket.next(), "2");
      socket.send("3");
    }
    assert.equal(await socket.next(), "2");
    await socket.closed;
  });
});

describe("close", () => {
  it("ends a polling session on a close packet; the pending GET gets a noop", async () => {
    const { sid } = await openPolling(server.base);
    const pending = poll(server.base, sid);
    await post(server.base, sid, "1");
    assert.equal(await (await pending).text(), "6");
    assert.ok(await sessionGone(sid));
  });

  it("ends a WebSocket session on a close packet", async () => {
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`);
    await socket.next();
    socket.send("1");
    await socket.closed;
  });

  it("releases a WebSocket session whose connection drops", async () => {
    const before = (await stats(server.base)).sessions;
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`);
    await socket.next();
    socket.terminate();
    await waitUntil(async () => (await stats(server.base)).sessions <= before, 5000, "release");
  });
});

describe("upgrade", () => {
  const probe = async (sid) => {
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    await socket.opened;
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    return socket;
  };

  it("upgrades from polling to WebSocket", async () => {
    const { sid } = await openPolling(server.base);
    const socket = await probe(sid);
    assert.equal(await (await poll(server.base, sid)).text(), "6");
    socket.send("5");
    socket.send("4hello");
    assert.equal(await socket.next(), "4hello");
    socket.close();
  });

  it("releases a GET already pending when the probe arrives", async () => {
    const { sid } = await openPolling(server.base);
    const pending = poll(server.base, sid);
    const socket = await probe(sid);
    assert.equal(await (await pending).text(), "6");
    socket.close();
  });

  it("delivers over WebSocket what was queued during the upgrade", async () => {
    const { sid } = await openPolling(server.base);
    const socket = await probe(sid);
    await post(server.base, sid, "4queued");
    socket.send("5");
    assert.equal(await socket.next(), "4queued");
    socket.close();
  });

  it("refuses polling after the upgrade", async () => {
    const { sid } = await openPolling(server.base);
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    await socket.opened;
    socket.send("2probe");
    socket.send("5");
    assert.equal(await socket.next(), "3probe");
    socket.send("4ping");
    assert.equal(await socket.next(), "4ping");
    assert.deepEqual(await errorOf(await poll(server.base, sid)), { status: 400, body: { code: 3, message: "Bad request" } });
    assert.equal((await post(server.base, sid, "4x")).status, 400);
    socket.send("4still");
    assert.equal(await socket.next(), "4still");
    socket.close();
  });

  it("closes a second WebSocket for the same session", async () => {
    const { sid } = await openPolling(server.base);
    const socket = await probe(sid);
    socket.send("5");
    const second = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    await second.closed;
    socket.send("4hello");
    assert.equal(await socket.next(), "4hello");
    socket.close();
  });

  it("drops a probe that never completes, and the session goes on polling", async () => {
    const { sid } = await openPolling(server.base);
    const socket = await probe(sid);
    assert.equal(await (await poll(server.base, sid)).text(), "6");
    await socket.closed;  // upgrade timeout (400 ms in this fixture)
    await post(server.base, sid, "3\x1e4after");
    // A heartbeat ping may come first.
    assert.match(await (await poll(server.base, sid)).text(), /^(2\x1e)?4after$/);
  });

  it("drops a probe that sends anything but ping probe or upgrade", async () => {
    const { sid } = await openPolling(server.base);
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    await socket.opened;
    socket.send("4too early");
    await socket.closed;
    await post(server.base, sid, "4polling");
    assert.equal(await (await poll(server.base, sid)).text(), "4polling");
  });
});
