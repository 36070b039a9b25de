// The Admin UI's protocol (@socket.io/admin-ui 0.5.1, server side) on `switchboard serve`, spoken
// by the official socket.io-client as the UI does: the login on the admin namespace (password,
// then the session id it hands out), what a UI is sent on connection (session, config,
// all_sockets without any user's credential), the statistics every 2 s, the live reports of
// sockets, rooms and events, the actions (_disconnect, join, leave) and a read-only server that
// ignores them, the configurations the binary refuses, and the UI's page at /admin/ with every
// asset it references served from here.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { binary, startServer, waitUntil } from "../support/fixture.mjs";
import { connected, devConfig, token } from "./users.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-admin-"));
// bcrypt of "changeit" (the Admin UI's README example).
const passwordHash = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";
const login = { username: "admin", password: "changeit" };
const apiKey = "development-api-key-0123456789";  // config/dev.toml
const actions = ["JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"];
const WAIT = 15000;  // the sanitizer build is slow; stats come every 2 s

let server;    // the login configured, writable, development mode
let readOnly;  // admin.read_only, no login (loopback)
let users;     // sockets to close after each test

const serve = (name, ...sets) => startServer("switchboard", ["serve", "--config", devConfig, "--port", "0",
  "--set", `server.data_dir=${dir}/${name}`, "--set", "admin.enabled=true", ...sets.flatMap((s) => ["--set", s])]);

before(async () => {
  server = await serve("main", "admin.username=admin", `admin.password_hash=${passwordHash}`, "auth.allow_query_token=true");
  readOnly = await serve("read-only", "admin.read_only=true");
});
after(async () => {
  await server?.stop();
  await readOnly?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});



// A user of the "/" namespace, its token sent as the UI of an application would: the auth payload,
// an Authorization header, the session cookie or the query string.
async function connectUser(node, user, how = "auth", options = {}) {
  const t = token(user);
  const opts = { forceNew: true, reconnection: false, transports: ["websocket"], ...options };
  if (how === "auth") opts.auth = { token: t };
  if (how === "header") opts.extraHeaders = { Authorization: `Bearer ${t}` };
  if (how === "cookie") opts.extraHeaders = { Cookie: `switchboard_session=${t}` };
  if (how === "query") opts.query = { token: t };
  const socket = io(node.base, opts);
  users.push(socket);
  await connected(socket);
  return Object.assign(socket, { token: t });
}

// An admin client as the UI makes it (forceNew, no reconnection, polling then WebSocket unless
// told), recording what it receives from its "connect" on, in the order it comes: the UI
// registers its listeners in socket.once("connect"), so anything sent before CONNECT is lost to it.
async function connectAdmin(node, auth, options = {}) {
  const socket = io(`${node.base}/admin`, { forceNew: true, reconnection: false, auth, ...options });
  const seen = [];
  socket.once("connect", () => socket.onAny((event, ...args) => seen.push([event, ...args])));
  users.push(socket);
  await connected(socket);
  return { socket, seen };
}

// The first event `name` in `seen` (from `from` on) whose arguments pass `test`: [name, ...args].
const arrival = (seen, name, test = () => true, from = 0) =>
  waitUntil(() => seen.slice(from).find(([event, ...args]) => event === name && test(...args)), WAIT, `"${name}"`);

// How a connection attempt to the admin namespace ends: "connected" or the error's message.
async function attempt(node, auth) {
  const socket = io(`${node.base}/admin`, { forceNew: true, reconnection: false, auth });
  const outcome = await new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (err) => resolve(err.message));
  });
  socket.close();
  return outcome;
}

async function emit(node, body) {
  const res = await fetch(`${node.base}/api/v1/emit`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

// The sockets of an all_sockets event: its one argument, an array (what the UI's handler reads).
function listOf(entry) {
  assert.equal(entry.length, 2, `all_sockets came with ${entry.length - 1} arguments`);
  assert.ok(Array.isArray(entry[1]));
  return entry[1];
}

const disconnection = (socket) => new Promise((resolve) => socket.once("disconnect", resolve));
const isDate = (value) => typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value);

describe("admin login", () => {
  before(() => { users = []; });
  after(() => users.forEach((s) => s.close()));

  it("refuses a wrong password, a wrong user name, no credentials and an unknown session id", async () => {
    assert.equal(await attempt(server, { username: "admin", password: "wrong" }), "invalid credentials");
    assert.equal(await attempt(server, { username: "root", password: "changeit" }), "invalid credentials");
    assert.equal(await attempt(server, { username: "admin" }), "invalid credentials");
    assert.equal(await attempt(server, { username: "admin", password: 42 }), "invalid credentials");
    assert.equal(await attempt(server, {}), "invalid credentials");
    assert.equal(await attempt(server, { sessionId: "0123456789abcdef" }), "invalid credentials");
  });

  it("admits the right ones: session, then config, then all_sockets with the users already connected, none of their tokens", async () => {
    const alice = await connectUser(server, "alice", "auth");
    const bob = await connectUser(server, "bob", "header");
    const carol = await connectUser(server, "carol", "cookie");
    const dave = await connectUser(server, "dave", "query");
    const { seen } = await connectAdmin(server, login);
    await arrival(seen, "all_sockets");

    const ordered = seen.filter(([event]) => ["session", "config", "all_sockets"].includes(event)).map(([event]) => event);
    assert.deepEqual(ordered, ["session", "config", "all_sockets"]);
    assert.equal(seen[0][0], "session", "the first thing after CONNECT");
    assert.match(seen[0][1], /^[0-9a-f]{16}$/);
    const [, config] = await arrival(seen, "config");
    for (const feature of [...actions, "AGGREGATED_EVENTS", "ALL_EVENTS"]) assert.ok(config.supportedFeatures.includes(feature), feature);

    const sockets = listOf(await arrival(seen, "all_sockets"));
    for (const [user, socket] of [["alice", alice], ["bob", bob], ["carol", carol], ["dave", dave]]) {
      const listed = sockets.find((s) => s.id === socket.id);
      assert.ok(listed, `${user}'s socket is listed`);
      assert.equal(listed.nsp, "/");
      assert.equal(listed.transport, "websocket");
      assert.equal(listed.clientId, socket.io.engine.id.slice(0, 12));
      assert.deepEqual([...listed.rooms].sort(), [socket.id, `user:${user}`].sort());
      assert.equal(listed.data.userId, user);
      assert.equal(listed.handshake.auth, undefined, "the auth payload is never shown");
      assert.equal(listed.handshake.address, "127.0.0.1");
      assert.equal(typeof listed.handshake.issued, "number");
    }
    const handshake = (s) => sockets.find((x) => x.id === s.id).handshake;
    assert.equal(handshake(bob).headers.authorization, "[redacted]");
    assert.equal(handshake(carol).headers.cookie, "[redacted]");
    assert.equal(handshake(dave).query.token, "[redacted]");
    assert.ok(sockets.some((s) => s.nsp === "/admin"), "the admin socket itself is listed");
  });

  // A braced list once moved the array whole: each socket was an argument of its own, and the UI's
  // handler (sockets) => sockets.forEach(...) threw.
  it("sends all_sockets as one argument: the array of sockets", async () => {
    await connectUser(server, "alice2");
    await connectUser(server, "bob2");
    const { seen } = await connectAdmin(server, login);
    const entry = await arrival(seen, "all_sockets");
    assert.equal(entry.length, 2, `all_sockets came with ${entry.length - 1} arguments`);
    assert.ok(Array.isArray(entry[1]));
    assert.ok(entry[1].length >= 3);
  });

  // handshake.url carries the query string as sent: a token in the query (auth.allow_query_token)
  // must not show there either.
  it("shows no user's token anywhere in all_sockets (handshake.url included)", async () => {
    const erin = await connectUser(server, "erin", "query");
    const { seen } = await connectAdmin(server, login);
    const sockets = listOf(await arrival(seen, "all_sockets"));
    const listed = sockets.find((s) => s.id === erin.id);
    assert.ok(listed);
    assert.ok(!JSON.stringify(listed).includes(erin.token), `the token is visible: ${JSON.stringify(listed.handshake)}`);
  });

  it("admits a UI that comes back with its session id, without a password (and sends no new session)", async () => {
    const first = await connectAdmin(server, login);
    const [, sessionId] = await arrival(first.seen, "session");
    first.socket.close();
    const { socket, seen } = await connectAdmin(server, { sessionId });
    assert.ok(socket.connected);
    await arrival(seen, "all_sockets");
    assert.deepEqual(seen.filter(([event]) => event === "session"), []);
    assert.equal(seen.find(([event]) => event === "config")[1].supportedFeatures.includes("DISCONNECT"), true);
    // A session id with a password that is wrong: the session id is enough, as in the reference.
    assert.equal(await attempt(server, { sessionId, username: "admin", password: "wrong" }), "connected");
  });

  // A UI's socket_connected report goes to every UI of the cluster: its data must not carry the
  // session id of that login.
  it("does not report a login's session id to the other UIs", async () => {
    const watcher = await connectAdmin(server, login);
    await arrival(watcher.seen, "all_sockets");
    const from = watcher.seen.length;
    const other = await connectAdmin(server, login);
    const [, sessionId] = await arrival(other.seen, "session");
    const [, reported] = await arrival(watcher.seen, "socket_connected", (s) => s.id === other.socket.id, from);
    assert.deepEqual(reported.data, {});
    assert.ok(!JSON.stringify(watcher.seen.slice(from)).includes(sessionId));
  });
});

describe("server_stats", () => {
  before(() => { users = []; });
  after(() => users.forEach((s) => s.close()));

  it("comes every 2 s with this server's id, its connections and its namespaces", async () => {
    const { seen } = await connectAdmin(server, login, { transports: ["websocket"] });
    const frank = await connectUser(server, "frank");
    await connectUser(server, "gina");
    frank.emit("traffic", "x".repeat(1000));
    // Three Engine.IO connections now (this UI's included) and the sockets they carry.
    const [, stats] = await arrival(seen, "server_stats", (s) => s.clientsCount === 3 &&
      JSON.stringify(s.namespaces) === JSON.stringify([{ name: "/", socketsCount: 2 }, { name: "/admin", socketsCount: 1 }]));
    assert.equal(stats.serverId, `${os.hostname()}#${server.child.pid}`, "the default id: host name#pid");
    assert.equal(stats.hostname, os.hostname());
    assert.equal(stats.pid, server.child.pid);
    assert.equal(typeof stats.uptime, "number");
    assert.ok(stats.uptime > 0);
    assert.equal(stats.pollingClientsCount, 0);
    assert.ok(Array.isArray(stats.aggregatedEvents));
    assert.equal(typeof stats.memoryUsage, "object");

    // The aggregated events: 1 s buckets, the 1000 bytes sent above among the bytes received.
    const buckets = seen.filter(([event]) => event === "server_stats").flatMap(([, s]) => s.aggregatedEvents);
    for (const item of buckets) {
      assert.equal(item.timestamp % 1000, 0);
      assert.ok(["rawConnection", "rawDisconnection", "packetsIn", "packetsOut", "bytesIn", "bytesOut"].includes(item.type), item.type);
      assert.ok(item.count > 0);
    }
    await waitUntil(() => seen.filter(([event]) => event === "server_stats").flatMap(([, s]) => s.aggregatedEvents)
      .filter((e) => e.type === "bytesIn").reduce((sum, e) => sum + e.count, 0) >= 1000, WAIT, "bytesIn to count the event");
    const count = (type) => seen.filter(([event]) => event === "server_stats").flatMap(([, s]) => s.aggregatedEvents)
      .filter((e) => e.type === type).reduce((sum, e) => sum + e.count, 0);
    assert.ok(count("rawConnection") >= 2, "the two users' connections");
    assert.ok(count("packetsIn") >= 1);
    assert.ok(count("packetsOut") >= 1);

    // Stats keep coming: another, later.
    const stamp = seen.filter(([event]) => event === "server_stats").length;
    await waitUntil(() => seen.filter(([event]) => event === "server_stats").length > stamp, WAIT, "the next server_stats");
  });
});

describe("live reports", () => {
  before(() => { users = []; });
  after(() => users.forEach((s) => s.close()));

  it("a user connecting: room_joined for its own room and user:<id>, then socket_connected", async () => {
    const { seen } = await connectAdmin(server, login);
    await arrival(seen, "all_sockets");
    const hank = await connectUser(server, "hank");
    const [, socket, date] = await arrival(seen, "socket_connected", (s) => s.id === hank.id);
    assert.equal(socket.nsp, "/");
    assert.equal(socket.transport, "websocket");
    assert.equal(socket.clientId, hank.io.engine.id.slice(0, 12));
    assert.ok(socket.rooms.includes(`user:hank`));
    assert.deepEqual(socket.data.userId, "hank");
    assert.ok(isDate(date), date);
    const [, nsp, room, id, joinedAt] = await arrival(seen, "room_joined", (n, r, i) => r === "user:hank" && i === hank.id);
    assert.deepEqual([nsp, room, id], ["/", "user:hank", hank.id]);
    assert.ok(isDate(joinedAt));
    assert.ok(seen.some(([event, n, r, i]) => event === "room_joined" && n === "/" && r === hank.id && i === hank.id), "its own room");
  });

  it("a user's events: event_received with [event, ...args], binaries included; an emit to it: event_sent", async () => {
    const { seen } = await connectAdmin(server, login);
    await arrival(seen, "all_sockets");
    const ivy = await connectUser(server, "ivy");
    ivy.emit("ping-admin", 1, { a: "b" });
    const [, nsp, id, args, date] = await arrival(seen, "event_received", (n, i, a) => i === ivy.id && a[0] === "ping-admin");
    assert.deepEqual([nsp, id, args], ["/", ivy.id, ["ping-admin", 1, { a: "b" }]]);
    assert.ok(isDate(date));

    ivy.emit("bytes", Buffer.from([1, 2, 3]));
    const [, , , binaryArgs] = await arrival(seen, "event_received", (n, i, a) => i === ivy.id && a[0] === "bytes");
    assert.deepEqual([...new Uint8Array(binaryArgs[1])], [1, 2, 3]);

    const got = new Promise((resolve) => ivy.once("notice", resolve));
    assert.equal((await emit(server, { event: "notice", data: { text: "hi" }, users: ["ivy"] })).status, 202);
    await got;
    const [, sentNsp, sentId, sentArgs, sentAt] = await arrival(seen, "event_sent", (n, i) => i === ivy.id);
    assert.deepEqual([sentNsp, sentId, sentArgs], ["/", ivy.id, ["notice", { text: "hi" }]]);
    assert.ok(isDate(sentAt));

    // The admin namespace's own traffic is not reported as events.
    assert.ok(!seen.some(([event, n]) => (event === "event_received" || event === "event_sent") && n === "/admin"));
  });

  it("an upgrade: socket_updated; a disconnection: socket_disconnected, then room_left per room", async () => {
    const { seen } = await connectAdmin(server, login);
    await arrival(seen, "all_sockets");
    const jack = await connectUser(server, "jack", "auth", { transports: ["polling", "websocket"] });
    const [, update] = await arrival(seen, "socket_updated", (u) => u.id === jack.id);
    assert.deepEqual(update, { id: jack.id, nsp: "/", transport: "websocket" });

    const id = jack.id;
    jack.disconnect();
    const [, nsp, , reason, date] = await arrival(seen, "socket_disconnected", (n, i) => i === id);
    assert.deepEqual([nsp, reason], ["/", "client namespace disconnect"]);
    assert.ok(isDate(date));
    await arrival(seen, "room_left", (n, r, i) => r === "user:jack" && i === id);
    const gone = seen.findIndex(([event, , i]) => event === "socket_disconnected" && i === id);
    const left = seen.findIndex(([event, , r, i]) => event === "room_left" && r === "user:jack" && i === id);
    assert.ok(gone < left, "socket_disconnected comes first");
  });
});

describe("admin actions", () => {
  before(() => { users = []; });
  after(() => users.forEach((s) => s.close()));

  it("_disconnect(nsp, false, socketId) disconnects that socket: io server disconnect", async () => {
    const { socket: admin, seen } = await connectAdmin(server, login);
    const kim = await connectUser(server, "kim");
    const bystander = await connectUser(server, "lee");
    const id = kim.id;  // the client forgets it once disconnected
    const reason = disconnection(kim);
    admin.emit("_disconnect", "/", false, id);
    assert.equal(await reason, "io server disconnect");
    const [, , , serverReason] = await arrival(seen, "socket_disconnected", (n, i) => i === id);
    assert.equal(serverReason, "server namespace disconnect");
    assert.ok(bystander.connected);
  });

  it("_disconnect(nsp, false, room) disconnects that room's sockets; _disconnect(nsp, true, id) closes the whole connection", async () => {
    const { socket: admin } = await connectAdmin(server, login);
    const mia = await connectUser(server, "mia");
    const miaAgain = await connectUser(server, "mia");
    const ned = await connectUser(server, "ned");
    const both = Promise.all([disconnection(mia), disconnection(miaAgain)]);
    admin.emit("_disconnect", "/", false, "user:mia");
    assert.deepEqual(await both, ["io server disconnect", "io server disconnect"]);

    const closed = new Promise((resolve) => ned.io.engine.once("close", resolve));
    const nedReason = disconnection(ned);
    admin.emit("_disconnect", "/", true, ned.id);
    assert.match(await nedReason, /^(io server disconnect|transport close)$/);
    await closed;
  });

  it("join(nsp, room, socketId) puts that socket in the room, for the cluster's emits and a new UI; leave takes it out", async () => {
    const { socket: admin, seen } = await connectAdmin(server, login);
    const olga = await connectUser(server, "olga");
    await arrival(seen, "socket_connected", (s) => s.id === olga.id);
    admin.emit("join", "/", "vip", olga.id);
    await arrival(seen, "room_joined", (n, r, i) => n === "/" && r === "vip" && i === olga.id);
    const got = new Promise((resolve) => olga.once("vip-news", resolve));
    assert.deepEqual(await emit(server, { event: "vip-news", data: 1, rooms: ["vip"] }), { status: 202, body: { recipients: 1 } });
    assert.equal(await got, 1);

    const fresh = await connectAdmin(server, login);
    const sockets = listOf(await arrival(fresh.seen, "all_sockets"));
    assert.deepEqual([...sockets.find((s) => s.id === olga.id).rooms].sort(), [olga.id, "user:olga", "vip"].sort());

    admin.emit("leave", "/", "vip", olga.id);
    await arrival(seen, "room_left", (n, r, i) => n === "/" && r === "vip" && i === olga.id);
    assert.deepEqual(await emit(server, { event: "vip-news", data: 2, rooms: ["vip"] }), { status: 202, body: { recipients: 0 } });
  });

  it("ignores an unknown namespace (never creates it)", async () => {
    const { socket: admin, seen } = await connectAdmin(server, login);
    const pat = await connectUser(server, "pat");
    admin.emit("join", "/nowhere", "room");
    admin.emit("_disconnect", "/nowhere", false);
    const reason = disconnection(pat);
    admin.emit("_disconnect", "/", false, pat.id);  // after the two above on the same connection
    await reason;
    const from = seen.length;
    const [, stats] = await arrival(seen, "server_stats", () => true, from);
    assert.ok(!stats.namespaces.some((n) => n.name === "/nowhere"), JSON.stringify(stats.namespaces));
  });
});

describe("a read-only server without a login (loopback)", () => {
  before(() => { users = []; });
  after(() => users.forEach((s) => s.close()));

  it("admits a UI without credentials, sends no session, and supports no action", async () => {
    const { socket, seen } = await connectAdmin(readOnly, {});
    assert.ok(socket.connected);
    await arrival(seen, "all_sockets");
    assert.deepEqual(seen.filter(([event]) => event === "session"), []);
    const [, config] = seen.find(([event]) => event === "config");
    assert.deepEqual(config.supportedFeatures, ["AGGREGATED_EVENTS", "ALL_EVENTS"]);
  });

  it("ignores _disconnect and join: the user stays connected and outside the room", async () => {
    const { socket: admin } = await connectAdmin(readOnly, {}, { transports: ["websocket"] });
    // A "/" socket on the UI's own connection: its answer comes after the UI's packets before it.
    const barrier = admin.io.socket("/", { auth: { token: token("barrier") } });
    users.push(barrier);
    barrier.connect();
    await connected(barrier);
    const quinn = await connectUser(readOnly, "quinn");
    let reason = null;
    quinn.once("disconnect", (r) => { reason = r; });

    admin.emit("_disconnect", "/", false, quinn.id);
    admin.emit("_disconnect", "/", true, quinn.id);
    admin.emit("join", "/", "ro-vip", quinn.id);
    admin.emit("leave", "/", `user:quinn`, quinn.id);
    await barrier.timeout(WAIT).emitWithAck("chat:join", { roomId: "lobby" });  // any answered event
    // A round trip of quinn's own after them.
    const answer = await quinn.timeout(WAIT).emitWithAck("chat:join", { roomId: "lobby" });
    assert.equal(typeof answer, "object");
    assert.equal(reason, null);
    assert.ok(quinn.connected);
    assert.deepEqual(await emit(readOnly, { event: "x", rooms: ["ro-vip"] }), { status: 202, body: { recipients: 0 } });
    assert.deepEqual(await emit(readOnly, { event: "x", users: ["quinn"] }), { status: 202, body: { recipients: 1 } });
  });
});

describe("configurations refused", () => {
  const run = (...sets) => spawnSync(binary("switchboard"), ["serve", "--config", devConfig, "--port", "0",
    "--set", `server.data_dir=${dir}/refused`, ...sets.flatMap((s) => ["--set", s])], { encoding: "utf8", timeout: 60000 });

  it("admin.enabled without a password on 0.0.0.0: exits non-zero and says why", () => {
    const result = run("server.address=0.0.0.0", "auth.jwt_secret=an-admin-test-secret-that-is-long-enough-0123456789",
      "admin.enabled=true");
    assert.equal(result.signal, null, "it exits by itself");
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /admin\.enabled without admin\.password_hash: refused on 0\.0\.0\.0/);
    assert.doesNotMatch(result.stdout, /listening on/);
  });

  it("a password hash that is not bcrypt, or a user name without one", () => {
    const notBcrypt = run("admin.enabled=true", "admin.username=admin", "admin.password_hash=changeit");
    assert.notEqual(notBcrypt.status, 0);
    assert.match(notBcrypt.stderr, /admin\.password_hash: expected a bcrypt hash/);
    const alone = run("admin.enabled=true", "admin.username=admin");
    assert.notEqual(alone.status, 0);
    assert.match(alone.stderr, /admin: set both admin\.username and admin\.password_hash/);
  });
});

describe("the Admin UI's page", () => {
  it("GET /admin answers 301 to /admin/", async () => {
    const res = await fetch(`${server.base}/admin`, { redirect: "manual" });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get("location"), "/admin/");
  });

  it("/admin/ is the Admin UI with no third-party URL, and every asset it references is served", async () => {
    const res = await fetch(`${server.base}/admin/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/html/);
    const html = await res.text();
    assert.match(html, /<title>Socket.IO Admin UI<\/title>/);
    assert.doesNotMatch(html, /fonts\.googleapis\.com/);
    assert.doesNotMatch(html, /cdn\.jsdelivr\.net/);
    assert.doesNotMatch(html, /localStorage\.setItem/, "with a login, the UI asks for the server's URL");

    const references = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(references.length >= 8, references.join(" "));
    for (const ref of references) assert.doesNotMatch(ref, /^(https?:)?\/\//, `${ref} is not served from here`);
    const types = { js: /javascript/, css: /text\/css/, png: /image\/png/, svg: /image\/svg/, woff2: /font\/woff2/ };
    const check = async (url) => {
      const asset = await fetch(url);
      assert.equal(asset.status, 200, url.href);
      const ext = url.pathname.split(".").pop();
      if (types[ext]) assert.match(asset.headers.get("content-type"), types[ext], url.href);
      return asset;
    };
    const page = new URL(`${server.base}/admin/`);
    for (const ref of references) {
      const url = new URL(ref, page);
      const asset = await check(url);
      if (!url.pathname.endsWith(".css")) continue;
      // What a stylesheet loads in a browser: its fonts (the first format of each src, woff2 for
      // these) and images.
      const css = await asset.text();
      assert.doesNotMatch(css, /https?:\/\//, url.href);
      for (const [, target] of css.matchAll(/url\(["']?([^"')]+)["']?\)/g)) {
        if (/\.(eot|woff|ttf)(\?|#|$)/.test(target) || target.startsWith("data:")) continue;
        await check(new URL(target, url));
      }
    }
    // The images the bundle's script loads (the logos), from the same place.
    const app = await (await fetch(new URL(references.find((r) => /^js\/app\./.test(r)), page))).text();
    for (const [, img] of app.matchAll(/"(img\/[^"]+)"/g)) await check(new URL(img, page));
  });

  it("without a login (loopback), the page connects the UI to its own origin at once", async () => {
    const html = await (await fetch(`${readOnly.base}/admin/`)).text();
    assert.match(html, /localStorage\.setItem\("server_url",location\.origin\)/);
    assert.match(html, /localStorage\.setItem\("namespace","\/admin"\)/);
  });
});
