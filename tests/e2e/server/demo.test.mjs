// The demo page of `switchboard serve` on the development configuration (what `make run`
// starts): the page carries a working demo token, the browser bundle is the npm package's, and
// the token joins the lobby room as the page does. (The real-browser test comes with issue 7.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { startServer } from "../support/fixture.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-demo-"));
let server;
before(async () => {
  server = await startServer("switchboard", ["serve", "--config", path.join(root, "config/dev.toml"), "--port", "0",
    "--set", `server.data_dir=${dataDir}`, "--set", "cors.origins="]);
});
after(async () => {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("demo page", () => {
  it("serves the page with a demo token, and the official browser bundle", async () => {
    const page = await fetch(`${server.base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type"), /text\/html/);
    assert.equal(page.headers.get("cache-control"), "no-store");
    assert.match(page.headers.get("x-request-id"), /^[0-9a-f]{16}$/);
    const html = await page.text();
    assert.match(html, /<script src="\/socket.io.min.js"><\/script>/);
    assert.match(html, /const demoToken = "eyJ[\w-]+\.[\w-]+\.[\w-]+";/);
    const bundle = Buffer.from(await (await fetch(`${server.base}/socket.io.min.js`)).arrayBuffer());
    assert.ok(bundle.equals(fs.readFileSync(path.join(root, "node_modules/socket.io-client/dist/socket.io.min.js"))));
  });

  it("its token connects, joins the lobby and chats, as the page does", async () => {
    const html = await (await fetch(`${server.base}/`)).text();
    const token = /const demoToken = "([^"]+)"/.exec(html)[1];
    const socket = io(server.base, { auth: { token }, reconnection: false });  // polling, then upgraded
    await once(socket, "connect");
    assert.deepEqual(await socket.emitWithAck("chat:join", { roomId: "lobby" }), { ok: true, data: { roomId: "lobby", member: true } });
    const echoed = once(socket, "chat:message");
    assert.equal((await socket.emitWithAck("chat:send", { roomId: "lobby", text: "hello from the demo" })).ok, true);
    assert.equal((await echoed)[0].text, "hello from the demo");
    socket.disconnect();
  });
});
