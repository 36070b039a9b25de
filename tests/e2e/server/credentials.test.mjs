// Access ends with the credential (issue 15): a revoked session token's live sockets and an
// expired JWT's are told why (`auth:ended`) and disconnected; `switchboard session` writes the
// store the server reads; a socket flooding invalid payloads writes one warning per window.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { binary, startServer, waitUntil } from "../support/fixture.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-credentials-"));
const configFile = path.join(dir, "switchboard.toml");
fs.writeFileSync(configFile, `
[server]
port = 0
data_dir = "${dir}/var"
[log]
sample_window = "1h"
[auth]
jwt_secret = "a-credentials-test-secret-long-enough-0123456789"
revocation_poll = "200ms"
`);

const cli = (...args) => {
  const run = spawnSync(binary("switchboard"), [...args, "--config", configFile], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run;
};
const jwt = (user, ttl = "1h") => execFileSync(binary("switchboard"), ["token", "--config", configFile, "--user", user, "--ttl", ttl], { encoding: "utf8" }).trim();

let server;
const open = [];
before(async () => {
  server = await startServer("switchboard", ["serve", "--config", configFile]);
});
after(async () => {
  for (const s of open) s.disconnect();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function connect(token, transports = ["websocket"]) {
  const s = io(server.base, { forceNew: true, reconnection: false, transports, auth: { token } });
  open.push(s);
  return s;
}

// Resolves with the auth:ended payload and the disconnect reason, in the order they came.
function ending(socket) {
  const seen = [];
  return new Promise((resolve) => {
    socket.on("auth:ended", (body) => seen.push(["auth:ended", body]));
    socket.on("disconnect", (reason) => { seen.push(["disconnect", reason]); resolve(seen); });
  });
}

describe("credentials end access", () => {
  for (const transports of [["websocket"], ["polling"]]) {
    it(`disconnects a revoked session's live sockets within 5 s (${transports[0]})`, async () => {
      // No --sqlite: the command opens the store of the configuration, the one the server reads.
      const created = cli("session", "create", "--user", "sam", "--ttl", "1h");
      const token = created.stdout.trim();
      const id = /session ([0-9a-f]{16})/.exec(created.stderr)[1];
      const socket = connect(token, transports);
      await once(socket, "connect");
      const ended = ending(socket);
      const revokedAt = Date.now();
      cli("session", "revoke", id);
      const seen = await ended;
      assert.ok(Date.now() - revokedAt < 5000, `disconnected after ${Date.now() - revokedAt} ms`);
      assert.deepEqual(seen, [["auth:ended", { reason: "token_revoked" }], ["disconnect", "io server disconnect"]]);
      const again = connect(token);
      const [error] = await once(again, "connect_error");
      assert.equal(error.data.code, "session_revoked");
    });
  }

  it("disconnects a socket when its JWT expires, by default", async () => {
    const socket = connect(jwt("eve", "2s"));
    await once(socket, "connect");
    const seen = await ending(socket);
    assert.equal(seen[0][0], "auth:ended");
    assert.equal(seen[0][1].reason, "token_expired");
    assert.match(seen[0][1].correlationId, /^[0-9a-f]{16}$/);
    assert.deepEqual(seen[1], ["disconnect", "io server disconnect"]);
  });

  it("writes one warning per window for a socket that floods invalid payloads", async () => {
    const socket = connect(jwt("noisy"));
    await once(socket, "connect");
    for (let i = 0; i < 2000; i++) socket.emit("chat:send", { roomId: 5, text: i });
    // An ack after the flood: every invalid payload before it has been dealt with. Past the
    // event bucket's burst the flood is dropped, this event too: asked again until it is taken.
    for (;;) {
      try {
        await socket.timeout(1000).emitWithAck("chat:send", { roomId: 5 });
        break;
      } catch { /* dropped by the event limit: the bucket refills */ }
    }
    const lines = server.logs().split("\n").filter((l) => l.includes("invalid payload") && l.includes("user_id=noisy"));
    assert.equal(lines.length, 1, lines.join("\n"));
  });
});
