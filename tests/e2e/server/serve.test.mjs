// The switchboard binary: `serve` with a config file, its HTTP routes (health, readiness, the
// emit API with every status it answers), a client reached through the REST API, and the
// graceful shutdown that clients see.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { binary, startServer, waitUntil } from "../support/fixture.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-serve-"));
const apiKey = "test-api-key-0123456789abcdef";
const configFile = path.join(dir, "switchboard.toml");
fs.writeFileSync(configFile, `
[server]
address = "127.0.0.1"
more_addresses = ["127.0.0.2"]
port = 0
data_dir = "${dir}/var"
[cors]
origins = ["http://allowed.test"]
[auth]
jwt_secret = "a-serve-test-secret-that-is-long-enough-0123456789"
[api]
keys = { tests = "${apiKey}" }
`);

let server;
before(async () => { server = await startServer("switchboard", ["serve", "--config", configFile]); });
after(async () => {
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

const token = (user) => execFileSync(binary("switchboard"), ["token", "--config", configFile, "--user", user], { encoding: "utf8" }).trim();
const emit = (body, key = apiKey, raw) => fetch(`${server.base}/api/v1/emit`, {
  method: "POST",
  headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) },
  body: raw ?? JSON.stringify(body),
});

describe("health", () => {
  it("answers /healthz and /readyz with a request id", async () => {
    const alive = await fetch(`${server.base}/healthz`, { headers: { "X-Request-Id": "req-42" } });
    assert.equal(alive.status, 200);
    assert.equal(alive.headers.get("x-request-id"), "req-42");
    assert.deepEqual(await alive.json(), { status: "alive" });
    const ready = await fetch(`${server.base}/readyz`);
    assert.equal(ready.status, 200);
    assert.match(ready.headers.get("x-request-id"), /^[0-9a-f]{16}$/);
  });

  it("answers on server.more_addresses too, on the same port", async () => {
    const other = await fetch(`${server.base.replace("127.0.0.1", "127.0.0.2")}/healthz`);
    assert.equal(other.status, 200);
  });
});

describe("POST /api/v1/emit", () => {
  it("delivers to the named users, 202 with the recipient count", async () => {
    const socket = io(server.base, { transports: ["websocket"], auth: { token: token("42") }, extraHeaders: { Origin: "http://allowed.test" } });
    await once(socket, "connect");
    const got = once(socket, "notice");
    const res = await emit({ event: "notice", data: { text: "hello" }, users: ["42", "nobody"] });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { recipients: 1 });
    assert.deepEqual(await got, [{ text: "hello" }]);
    socket.disconnect();
  });

  const cases = [
    ["401 without a key", { event: "x", users: ["1"] }, null, undefined, 401, "unauthorized"],
    ["401 with a wrong key", { event: "x", users: ["1"] }, "wrong-key-0123456789", undefined, 401, "unauthorized"],
    ["400 on malformed JSON", null, apiKey, "{nope", 400, "invalid_json"],
    ["400 without an event", { users: ["1"] }, apiKey, undefined, 400, "invalid_event"],
    ["400 on targets of the wrong shape", { event: "x", users: "1" }, apiKey, undefined, 400, "invalid_targets"],
    ["422 on a reserved event", { event: "disconnect", users: ["1"] }, apiKey, undefined, 422, "reserved_event"],
    ["422 without a target", { event: "x" }, apiKey, undefined, 422, "no_target"],
    ["422 on an unknown namespace", { event: "x", users: ["1"], namespace: "/nowhere" }, apiKey, undefined, 422, "unknown_namespace"],
    ["413 on a body over the limit", { event: "x", users: ["1"], data: "y".repeat(1_100_000) }, apiKey, undefined, 413, null],
    ["400 on a body that is neither object nor array", null, apiKey, '"emit"', 400, "invalid_json"],
    ["422 on an empty batch", [], apiKey, undefined, 422, "empty_batch"],
    ["413 on a batch over api.max_batch", Array(1001).fill({ event: "x", users: ["1"] }), apiKey, undefined, 413, "batch_too_large"],
  ];
  for (const [name, body, key, raw, status, code] of cases) {
    it(name, async () => {
      const res = await emit(body, key, raw);
      assert.equal(res.status, status);
      if (code) assert.equal((await res.json()).error.code, code);
    });
  }

  it("takes an array of emits: each is delivered or refused on its own, answered at its index", async () => {
    const [s7, s8] = ["7", "8"].map((user) => io(server.base, { transports: ["websocket"], auth: { token: token(user) } }));
    await Promise.all([once(s7, "connect"), once(s8, "connect")]);
    const got7 = [];
    const got8 = [];
    s7.on("notice", (data) => got7.push(data));
    s8.on("notice", (data) => got8.push(data));
    const res = await emit([
      { event: "notice", data: { n: 1 }, users: ["7"] },
      { event: "disconnect", users: ["7"] },
      { event: "notice", data: { n: 2 }, users: ["7", "8"] },
      "not an object",
      { event: "notice", users: ["8"], namespace: "/nowhere" },
      { event: "notice", data: { n: 3 }, users: ["nobody"] },
    ]);
    assert.equal(res.status, 200);
    const { results } = await res.json();
    assert.deepEqual(results.map((r) => [r.status, r.recipients ?? r.error.code]), [
      [202, 1], [422, "reserved_event"], [202, 2], [400, "invalid_json"], [422, "unknown_namespace"], [202, 0]]);
    await waitUntil(() => got7.length === 2 && got8.length === 1, 5000, "the batch's events");
    assert.deepEqual(got7, [{ n: 1 }, { n: 2 }], "in the batch's order");
    assert.deepEqual(got8, [{ n: 2 }]);
    s7.disconnect();
    s8.disconnect();
  });

  it("405 on another method", async () => {
    const res = await fetch(`${server.base}/api/v1/emit`, { headers: { Authorization: `Bearer ${apiKey}` } });
    assert.equal(res.status, 405);
  });
});

describe("switchboard emit", () => {
  it("sends through the REST API with the config's key", async () => {
    const socket = io(server.base, { transports: ["websocket"], reconnection: false, auth: { token: token("cli-user") } });
    await once(socket, "connect");
    const got = once(socket, "notice");
    const port = new URL(server.base).port;
    const out = execFileSync(binary("switchboard"), ["emit", "notice", "--config", configFile, "--port", port,
      "--user", "cli-user", "--data", '{"from":"cli"}'], { encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), { recipients: 1 });
    assert.deepEqual(await got, [{ from: "cli" }]);
    socket.disconnect();
  });

  it("fails with the server's answer on a bad request", () => {
    const port = new URL(server.base).port;
    const run = () => execFileSync(binary("switchboard"), ["emit", "disconnect", "--config", configFile, "--port", port,
      "--user", "1"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.throws(run, (err) => err.status === 1 && /reserved_event/.test(err.stdout));
  });
});

describe("GET /metrics", () => {
  const scrape = async () => {
    const text = await (await fetch(`${server.base}/metrics`)).text();
    const value = (name) => Number((new RegExp(`^${name.replace(/[{}"=,]/g, (c) => `\\${c}`)} (\\d+)$`, "m").exec(text) ?? [])[1] ?? 0);
    return { text, value };
  };

  it("moves with connections, refusals and events", async () => {
    const before = await scrape();
    assert.match(before.text, /^switchboard_build_info\{version="[^"]+"\} 1$/m);
    const raw = await fetch(`${server.base}/metrics`, { headers: { "X-Request-Id": "scrape-1" } });
    assert.equal(raw.headers.get("x-request-id"), "scrape-1");
    const socket = io(server.base, { transports: ["websocket"], reconnection: false, auth: { token: token("m1") } });
    await once(socket, "connect");
    const refused = io(server.base, { transports: ["websocket"], reconnection: false, auth: { token: "nope" } });
    await once(refused, "connect_error");
    socket.emit("anything", 1);
    const res = await emit({ event: "notice", users: ["m1"] });
    assert.equal(res.status, 202);
    // The received-event counter moves on the server's shard, after the emit above.
    const after = await waitUntil(async () => {
      const now = await scrape();
      return now.value("switchboard_events_received_total") > before.value("switchboard_events_received_total") && now;
    }, 5000, "the received-event counter");
    assert.equal(after.value('switchboard_sockets{namespace="/",transport="websocket"}'),
      before.value('switchboard_sockets{namespace="/",transport="websocket"}') + 1);
    assert.equal(after.value('switchboard_connection_attempts_total{outcome="accepted"}'),
      before.value('switchboard_connection_attempts_total{outcome="accepted"}') + 1);
    assert.equal(after.value('switchboard_connection_attempts_total{outcome="token_malformed"}'),
      before.value('switchboard_connection_attempts_total{outcome="token_malformed"}') + 1);
    assert.equal(after.value("switchboard_events_emitted_total"), before.value("switchboard_events_emitted_total") + 1);
    assert.ok(after.value("switchboard_bytes_in_total") > before.value("switchboard_bytes_in_total"));
    assert.ok(after.value("switchboard_bytes_out_total") > before.value("switchboard_bytes_out_total"));
    assert.match(after.text, /^switchboard_dropped_packets_total \d+$/m);
    assert.match(after.text, /^switchboard_queue_overflows_total \d+$/m);
    // The process's memory: a live heap (hundreds of kilobytes at rest), within a larger resident set.
    const heap = after.value("switchboard_process_heap_bytes");
    assert.match(after.text, /^switchboard_memory_releases_total \d+$/m);
    assert.ok(heap > 64 << 10 && after.value("switchboard_process_resident_bytes") > heap, `heap ${heap}`);
    socket.disconnect();
    refused.disconnect();
  });

  it("counts a socket under its current transport: polling, then WebSocket after its upgrade", async () => {
    const sockets = (t) => `switchboard_sockets{namespace="/",transport="${t}"}`;
    const before = await scrape();
    const socket = io(server.base, { transports: ["polling", "websocket"], reconnection: false, auth: { token: token("m2") } });
    await once(socket, "connect");
    const upgraded = await waitUntil(async () => {
      const now = await scrape();
      return now.value(sockets("websocket")) === before.value(sockets("websocket")) + 1 && now;
    }, 10000, "the socket counted under websocket");
    assert.equal(upgraded.value(sockets("polling")), before.value(sockets("polling")), "and no longer under polling");
    socket.disconnect();
    await waitUntil(async () => {
      const now = await scrape();
      return now.value(sockets("websocket")) === before.value(sockets("websocket")) && now;
    }, 10000, "the socket no longer counted");
  });
});

describe("shutdown", () => {
  it("tells connected clients, then exits 0 in time", async () => {
    const socket = io(server.base, { transports: ["websocket"], reconnection: false, auth: { token: token("7") } });
    await once(socket, "connect");
    const disconnected = once(socket, "disconnect");
    const exited = once(server.child, "exit");
    const started = Date.now();
    server.child.kill("SIGTERM");
    const [reason] = await disconnected;
    assert.equal(reason, "transport close");  // the server closed the session ("server shutting down")
    const [code] = await exited;
    assert.equal(code, 0, server.logs());
    assert.ok(Date.now() - started < 6000, "took longer than the drain time");
    assert.match(server.logs(), /disconnected user_id=7 .*reason="server shutting down"/);
  });
});
