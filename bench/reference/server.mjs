// The Node.js reference server of the side-by-side benchmark (bench/run.sh): socket.io 4.8 set up
// to behave as the switchboard binary does in every benchmark scenario, so that one load generator
// drives both the same way. It authenticates connections with HS256 JWTs (user id from `sub`,
// joined to the room "user:<id>"), answers `bench:echo` with an ack, and mirrors switchboard's REST
// emit route (apps/switchboard/emit_api.cpp): POST /api/v1/emit, same checks, status codes and bodies;
// and POST /bench/generate, where the server emits to users itself (the emitter scenario).
// With --redis-url (or REDIS_URL) it joins a cluster through the official @socket.io/redis-adapter
// (key "socket.io", two `redis` v4 clients), as switchboard does with cluster.redis: an emit on any
// node reaches the sockets of every node, and its answer counts this node's sockets only.
//
//   node bench/reference/server.mjs --port 0 --address 127.0.0.1 --jwt-secret S --api-key K [--cors-origin O ...]
//        [--redis-url redis://127.0.0.1:6379]
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    address: { type: "string", default: "127.0.0.1" },
    "jwt-secret": { type: "string" },
    "api-key": { type: "string" },
    "cors-origin": { type: "string", multiple: true, default: [] },
    "redis-url": { type: "string", default: process.env.REDIS_URL ?? "" },
  },
});
if (!args["jwt-secret"] || !args["api-key"]) {
  console.error("usage: server.mjs --port N --address A --jwt-secret S --api-key K [--cors-origin O ...] [--redis-url U]");
  process.exit(2);
}
const secret = Buffer.from(args["jwt-secret"]);
const apiKeyDigest = createHash("sha256").update(args["api-key"]).digest();
const origins = args["cors-origin"];
const leewaySeconds = 30;            // switchboard's default auth.leeway
const maxBody = 64 * 1024;
const reserved = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);

// ---- JWT (HS256 only), checked in switchboard's order; returns {userId} or {code} -----------------
const json64 = (part) => { try { const v = JSON.parse(Buffer.from(part, "base64url")); return v && typeof v === "object" && !Array.isArray(v) ? v : null; } catch { return null; } };
const numericDate = (v) => v === undefined || (typeof v === "number" && Number.isFinite(v));
function verifyJwt(token) {
  if (token.length > 8192) return { code: "token_too_large" };
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return { code: "token_malformed" };
  const header = json64(parts[0]), claims = json64(parts[1]);
  if (!header || !claims || typeof header.alg !== "string" || "crit" in header) return { code: "token_malformed" };
  if (header.alg !== "HS256") return { code: "algorithm_not_allowed" };
  const expected = createHmac("sha256", secret).update(parts[0] + "." + parts[1]).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { code: "signature_invalid" };
  if (!numericDate(claims.exp) || !numericDate(claims.nbf)) return { code: "token_malformed" };
  const now = Date.now() / 1000;
  if (claims.exp !== undefined && now >= claims.exp + leewaySeconds) return { code: "token_expired" };
  if (claims.nbf !== undefined && now + leewaySeconds < claims.nbf) return { code: "token_not_yet_valid" };
  const sub = claims.sub;
  if (typeof sub !== "string" || !sub || Buffer.byteLength(sub) > 256 || /[\x00-\x1f\x7f]/.test(sub)) return { code: "user_id_missing" };
  return { userId: sub };
}
const bearer = (header) => (typeof header === "string" && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined);

// ---- HTTP: /healthz and POST /api/v1/emit (socket.io takes /socket.io/ before this runs) ----------
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
const fail = (res, status, code, message) => send(res, status, { error: { code, message } });
const strings = (v) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === "string" && s !== ""));

function recipients(nsp, rooms, except) {
  const all = nsp.adapter.rooms;
  if (rooms.length === 1 && except.length === 0) return all.get(rooms[0])?.size ?? 0;
  const ids = new Set();
  for (const room of rooms) for (const id of all.get(room) ?? []) ids.add(id);
  for (const room of except) for (const id of all.get(room) ?? []) ids.delete(id);
  return ids.size;
}

// A POST with the API key; answers the refusal otherwise and returns false.
function authorizedPost(req, res) {
  if (req.method !== "POST") return fail(res, 405, "method_not_allowed", "use POST"), false;
  const key = bearer(req.headers.authorization);
  if (key === undefined || !timingSafeEqual(createHash("sha256").update(key).digest(), apiKeyDigest)) {
    return fail(res, 401, "unauthorized", "a valid API key is required (Authorization: Bearer ...)"), false;
  }
  return true;
}

function emitRoute(req, res, text) {
  if (!authorizedPost(req, res)) return;
  let body;
  try { body = JSON.parse(text); } catch { body = null; }
  if (!body || typeof body !== "object" || Array.isArray(body)) return fail(res, 400, "invalid_json", "the body must be a JSON object");
  const { event, users = [], rooms = [], except = [], namespace = "/" } = body;
  if (typeof event !== "string" || !event) return fail(res, 400, "invalid_event", "\"event\" must be a non-empty string");
  if (!strings(body.users) || !strings(body.rooms) || !strings(body.except)) {
    return fail(res, 400, "invalid_targets", "\"users\", \"rooms\" and \"except\" must be arrays of non-empty strings");
  }
  if (typeof namespace !== "string") return fail(res, 400, "invalid_namespace", "\"namespace\" must be a string");
  if (reserved.has(event)) return fail(res, 422, "reserved_event", "this event name is reserved by the Socket.IO protocol");
  if (users.length === 0 && rooms.length === 0) return fail(res, 422, "no_target", "name at least one user or room");
  if (!io._nsps.has(namespace)) return fail(res, 422, "unknown_namespace", "no such namespace");
  const targets = [...rooms, ...users.map((u) => "user:" + u)];
  const nsp = io.of(namespace);
  const count = recipients(nsp, targets, except);
  nsp.to(targets).except(except).emit(event, body.data ?? null);
  send(res, 202, { recipients: count });
}

// ---- POST /bench/generate: the in-process emitter's scenario (bench/emitter/emitter_server.cpp) ---
// The server emits `rate` events a second for `seconds` itself, each to one random user of
// <prefix>0..<prefix>(users-1), in 1 ms ticks, and answers {"emitted": N, "failed": 0} when done. "t" is the
// monotonic clock in microseconds (the load generator's clock).
function generateRoute(req, res, text) {
  if (!authorizedPost(req, res)) return;
  let plan;
  try { plan = JSON.parse(text); } catch { plan = null; }
  const { rate, seconds, users, prefix = "u", payload_bytes: bytes = 100 } = plan ?? {};
  if (!(rate > 0 && seconds > 0 && users > 0)) return fail(res, 400, "invalid_plan", "rate, seconds and users must be positive");
  const pad = "x".repeat(Math.max(0, bytes - 52));  // as emitter_server: a 13-digit t, a 5-digit seq
  const total = Math.floor(rate * seconds);
  const start = performance.now();
  let seq = 0;
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; seq < due; seq += 1) {
      const t = Number(process.hrtime.bigint() / 1000n);
      io.to("user:" + prefix + Math.floor(Math.random() * users)).emit("bench", { t, seq, pad });
    }
    if (seq >= total) {
      clearInterval(timer);
      send(res, 200, { emitted: seq, failed: 0 });
    }
  }, 1);
}

const httpServer = createServer((req, res) => {
  const path = req.url.split("?")[0];
  if (path === "/healthz") return send(res, 200, { status: "alive" });
  if (path !== "/api/v1/emit" && path !== "/bench/generate") return fail(res, 404, "not_found", "no such route");
  if (Number(req.headers["content-length"]) > maxBody) {
    res.setHeader("Connection", "close");
    return fail(res, 413, "payload_too_large", "the body is larger than 64 KiB");
  }
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => { size += chunk.length; if (size <= maxBody) chunks.push(chunk); });
  req.on("end", () => {
    if (size > maxBody) return fail(res, 413, "payload_too_large", "the body is larger than 64 KiB");
    (path === "/bench/generate" ? generateRoute : emitRoute)(req, res, Buffer.concat(chunks).toString("utf8"));
  });
});

// ---- Socket.IO ------------------------------------------------------------------------------------
const io = new Server(httpServer, {
  path: "/socket.io/",
  transports: ["polling", "websocket"],
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  ...(origins.length > 0 && {
    cors: { origin: origins, credentials: true },
    // Like switchboard: a request with an Origin outside the list is refused; one without is allowed.
    allowRequest: (req, callback) => callback(null, !req.headers.origin || origins.includes(req.headers.origin)),
  }),
});

// ---- Cluster: both clients connected before the listening line (bench/run.sh's readiness) ------
const redisClients = [];
if (args["redis-url"]) {
  const pub = createClient({ url: args["redis-url"] });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on("error", (err) => console.error("redis:", err.message));
  await Promise.all([pub.connect(), sub.connect()]);
  redisClients.push(pub, sub);
  io.adapter(createAdapter(pub, sub, { key: "socket.io" }));
}

io.use((socket, next) => {
  const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token
    : bearer(socket.handshake.headers.authorization);
  const result = token ? verifyJwt(token) : { code: "token_missing" };
  if (result.userId === undefined) {
    const err = new Error("authentication failed: " + result.code);
    err.data = { code: result.code };
    return next(err);
  }
  socket.data.userId = result.userId;
  next();
});

io.on("connection", (socket) => {
  socket.join("user:" + socket.data.userId);
  socket.on("bench:echo", (payload, ack) => { if (typeof ack === "function") ack({ ok: true, data: payload }); });
});

httpServer.listen(Number(args.port), args.address, () => {
  const { port } = httpServer.address();
  process.stdout.write(`reference listening on ${port}: http://${args.address}:${port}/\n`);
});

const stop = () => {
  io.close(() => Promise.allSettled(redisClients.map((c) => c.quit())).then(() => process.exit(0)));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
