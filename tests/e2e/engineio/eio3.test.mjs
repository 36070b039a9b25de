// Engine.IO protocol 3 (allow_eio3) from the wire up, written from the v3 specification: the
// length-prefixed polling payloads (lengths in UTF-16 units, binary as "b4" + base64, binary
// POST bodies), the client's pings and the server's pongs and timeout, and the WebSocket's
// type byte before binary; without allow_eio3 the handshake is refused as before.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PING_INTERVAL, PING_TIMEOUT, openSocket } from "../support/eio.mjs";
import { startFixture } from "../support/fixture.mjs";

let server;
let v4only;
before(async () => {
  server = await startFixture("eio-conformance-server", ["--allow-eio3"]);
  v4only = await startFixture("eio-conformance-server");
});
after(async () => {
  await server.stop();
  await v4only.stop();
});

const url = (base, query = "") => `${base}/engine.io/?EIO=3&transport=polling${query}`;

// "<length>:<packet>"... into packets; lengths count UTF-16 units, as JavaScript strings do.
function decodePayload(text) {
  const packets = [];
  for (let i = 0; i < text.length;) {
    const colon = text.indexOf(":", i);
    const length = Number(text.slice(i, colon));
    packets.push(text.slice(colon + 1, colon + 1 + length));
    i = colon + 1 + length;
  }
  return packets;
}

async function handshake(base = server.base) {
  const response = await fetch(url(base));
  const body = await response.text();
  assert.equal(response.status, 200, body);
  const [open, ...rest] = decodePayload(body);
  assert.equal(rest.length, 0);
  assert.equal(open[0], "0");
  return JSON.parse(open.slice(1));
}
const get = async (sid) => decodePayload(await (await fetch(url(server.base, `&sid=${sid}`))).text());
const post = (sid, body, headers = {}) => fetch(url(server.base, `&sid=${sid}`), { method: "POST", body, headers });

describe("Engine.IO v3 polling", () => {
  it("opens with a length-prefixed open packet and the same handshake fields", async () => {
    const response = await fetch(url(server.base));
    const body = await response.text();
    const json = body.slice(body.indexOf(":") + 2);
    assert.equal(body, `${json.length + 1}:0${json}`);
    const open = JSON.parse(json);
    assert.deepEqual(Object.keys(open), ["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"]);
    assert.deepEqual(open.upgrades, ["websocket"]);
  });

  it("counts lengths in UTF-16 units and echoes text and binary", async () => {
    const { sid } = await handshake();
    const text = "4é😀";  // 3 characters, 4 UTF-16 units, 7 UTF-8 bytes
    assert.equal((await post(sid, `${text.length}:${text}6:b4AQID`)).status, 200);
    const raw = await (await fetch(url(server.base, `&sid=${sid}`))).text();
    assert.equal(raw, "4:4é😀6:b4AQID");
  });

  it("takes a binary POST body from an XHR2 client", async () => {
    const { sid } = await handshake();
    // A string packet "4hi" (00, length 3, ff), then a binary message 01 02 03 (01, length 4, ff, type 04).
    const body = Buffer.from([0x00, 0x03, 0xff, 0x34, 0x68, 0x69, 0x01, 0x04, 0xff, 0x04, 0x01, 0x02, 0x03]);
    const response = await post(sid, body, { "Content-Type": "application/octet-stream" });
    assert.equal(response.status, 200);
    assert.deepEqual(await get(sid), ["4hi", "b4AQID"]);
  });

  it("answers the client's pings and ends the session when they stop", async () => {
    const { sid } = await handshake();
    await post(sid, "1:2");
    assert.deepEqual(await get(sid), ["3"]);
    await post(sid, "5:2ping");
    assert.deepEqual(await get(sid), ["3"]);  // a v3 pong carries nothing back
    // No ping for pingInterval + pingTimeout: the session is gone.
    await new Promise((resolve) => setTimeout(resolve, (PING_INTERVAL + PING_TIMEOUT) * 3));
    const response = await fetch(url(server.base, `&sid=${sid}`));
    assert.equal(response.status, 400);
  });

  it("closes a session whose client answers pings it was never sent (v3 clients ping)", async () => {
    const { sid } = await handshake();
    await post(sid, "1:3");
    const response = await fetch(url(server.base, `&sid=${sid}`));
    assert.equal(response.status, 400);  // the session ended ("transport error"): its id is unknown
  });

  it("refuses a malformed payload with a parse error, and JSONP polling", async () => {
    const { sid } = await handshake();
    assert.equal((await post(sid, "5:4hi")).status, 400);  // the length overruns the body
    assert.equal((await fetch(url(server.base, "&j=0"))).status, 400);
  });

  it("still refuses a missing or invalid EIO, as the protocol's test suite asks", async () => {
    for (const query of ["transport=polling", "EIO=abc&transport=polling", "EIO=2&transport=polling"]) {
      const response = await fetch(`${server.base}/engine.io/?${query}`);
      assert.equal(response.status, 400, query);
    }
  });

  it("is refused without allow_eio3, as the reference without allowEIO3", async () => {
    const response = await fetch(url(v4only.base));
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { code: 5, message: "Unsupported protocol version" });
  });
});

describe("Engine.IO v3 over WebSocket", () => {
  it("sends binary with its type byte and reads the client's the same way", async () => {
    const socket = openSocket(`${server.base.replace("http", "ws")}/engine.io/?EIO=3&transport=websocket`);
    await socket.opened;
    assert.match(await socket.next(), /^0\{"sid"/);
    socket.send(Buffer.from([0x04, 0x01, 0x02, 0x03]));
    assert.deepEqual(await socket.next(), Buffer.from([0x04, 0x01, 0x02, 0x03]));
    socket.send("2");
    assert.equal(await socket.next(), "3");
    socket.send("b4AQID");  // a b64 client's binary
    assert.deepEqual(await socket.next(), Buffer.from([0x04, 0x01, 0x02, 0x03]));
    socket.close();
  });
});
