// Sessions that clients abandon are reclaimed within pingInterval + pingTimeout, and leave no
// memory behind: 10,000 polling sessions that never poll, and upgrades that never finish.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { startFixture, waitUntil } from "../support/fixture.mjs";
import { openSocket, stats } from "../support/eio.mjs";

let server;
before(async () => { server = await startFixture("eio-conformance-server", ["--upgrade-timeout-ms", "300"]); });
after(async () => { await server.stop(); });

// A GET over a pool of kept-alive connections, as a browser would open sessions.
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
function get(path) {
  return new Promise((resolve, reject) => {
    const req = request(`${server.base}${path}`, { agent }, (res) => {
      let body = "";
      res.on("data", (chunk) => { body += chunk; });
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

async function abandonPollingSessions(count) {
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const body = await get("/engine.io/?EIO=4&transport=polling");
      assert.equal(body[0], "0");
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

const reclaimed = () => waitUntil(async () => (await stats(server.base)).sessions === 0, 10000, "sessions reclaimed");

it("reclaims 10,000 abandoned polling sessions and their memory", async () => {
  await abandonPollingSessions(1000);  // warm up the allocator and the connection pool
  await reclaimed();
  const baseline = (await stats(server.base)).heap_in_use;

  await abandonPollingSessions(10000);
  const loaded = await stats(server.base);
  assert.ok(loaded.sessions > 0);
  await reclaimed();

  const after = (await stats(server.base)).heap_in_use;
  // heap_in_use is 0 where the allocator is replaced (sanitizer builds); LeakSanitizer checks those at exit.
  if (baseline > 0) {
    assert.ok(loaded.heap_in_use > baseline + 1_000_000, `10,000 sessions should show: ${loaded.heap_in_use} vs ${baseline}`);
    assert.ok(after < baseline + 512 * 1024, `heap grew from ${baseline} to ${after} bytes`);
  }
});

it("reclaims upgrades that never finish", async () => {
  const sockets = [];
  for (let i = 0; i < 200; i++) {
    const sid = JSON.parse((await get("/engine.io/?EIO=4&transport=polling")).substring(1)).sid;
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    sockets.push(socket);
    if (i % 2 === 0) {
      await socket.opened;
      socket.send("2probe");
    }
  }
  await Promise.all(sockets.map((socket) => socket.closed));
  await reclaimed();
});
