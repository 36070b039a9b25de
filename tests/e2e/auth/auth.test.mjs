// Authentication with the official socket.io-client against the auth guard
// (tests/fixtures/auth_server.cpp). Tokens are signed here with the npm `jose` library, an
// implementation independent of ours; session tokens come from the `switchboard session` CLI.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { io } from "socket.io-client";
import { binary, startFixture, waitUntil } from "../support/fixture.mjs";

const secret = "an-e2e-test-secret-that-is-long-enough-for-hs512-if-you-ask-me-twice!!";
const issuer = "https://issuer.test";
const audience = "switchboard";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-auth-"));
const sessionsDb = path.join(dir, "sessions.db");

const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const ed = crypto.generateKeyPairSync("ed25519");
const ps = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKeys = {
  HS256: { key: new TextEncoder().encode(secret) },
  HS512: { key: new TextEncoder().encode(secret) },
  RS256: { key: rsa.privateKey },
  ES256: { key: ec.privateKey, kid: "ec-1" },
  EdDSA: { key: ed.privateKey, kid: "ed-1" },
  PS256: { key: ps.privateKey, kid: "ps-1" },
};

const now = () => Math.floor(Date.now() / 1000);
async function mint(claims, { alg = "HS256", kid } = {}) {
  const chosen = signingKeys[alg];
  return new SignJWT({ iss: issuer, aud: audience, exp: now() + 3600, ...claims })
    .setProtectedHeader({ alg, kid: kid ?? chosen.kid })
    .sign(chosen.key);
}
const sessionCli = (...args) => execFileSync(binary("switchboard"), ["session", ...args, "--sqlite", sessionsDb], { encoding: "utf8" });

let server;
const open = [];
before(async () => {
  const pem = path.join(dir, "rsa.pem");
  fs.writeFileSync(pem, rsa.publicKey.export({ type: "spki", format: "pem" }));
  const jwks = path.join(dir, "jwks.json");
  fs.writeFileSync(jwks, JSON.stringify({
    keys: [
      { ...ec.publicKey.export({ format: "jwk" }), kid: "ec-1", use: "sig" },
      { ...ed.publicKey.export({ format: "jwk" }), kid: "ed-1" },
      { ...ps.publicKey.export({ format: "jwk" }), kid: "ps-1", alg: "PS256" },
    ],
  }));
  server = await startFixture("auth-server", [
    "--jwt-secret", secret, "--jwt-public-key", pem, "--jwks", jwks, "--issuer", issuer, "--audience", audience,
    "--sessions-sqlite", sessionsDb, "--cookie", "sb_session",
  ]);
});
after(async () => {
  for (const socket of open) socket.disconnect();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function connect(nsp = "/", options = {}, target = server) {
  const socket = io(`${target.base}${nsp}`, { forceNew: true, reconnection: false, transports: ["websocket"], ...options });
  open.push(socket);
  return socket;
}
const connected = (socket) => new Promise((resolve, reject) => {
  socket.once("connect", () => resolve(socket));
  socket.once("connect_error", (err) => reject(new Error(`refused: ${err.message} ${JSON.stringify(err.data)}`)));
});
const refused = (socket) => new Promise((resolve, reject) => {
  socket.once("connect", () => reject(new Error("connected, but should have been refused")));
  socket.once("connect_error", resolve);
});
const next = (socket, event) => new Promise((resolve) => socket.once(event, (...args) => resolve(args)));

async function expectRefusal(code, options, nsp = "/") {
  const err = await refused(connect(nsp, options));
  assert.equal(err.data?.code, code, `${err.message} ${JSON.stringify(err.data)}`);
  assert.match(err.data.correlationId, /^[0-9a-f]{16}$/);
  assert.ok(err.message.length > 10, "a descriptive message");
  return err;
}

describe("a valid token", () => {
  for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]]) {
    it(`over ${transports.join(" then ")}: connects and joins user:<sub>`, async () => {
      const socket = await connected(connect("/", { transports, auth: { token: await mint({ sub: "42" }) } }));
      const me = await socket.emitWithAck("whoami");
      assert.equal(me.userId, "42");
      assert.equal(me.authKind, "jwt");
      assert.deepEqual(me.rooms.sort(), [socket.id, "user:42"].sort());
    });
  }

  for (const alg of Object.keys(signingKeys)) {
    it(`signed with ${alg} is accepted`, async () => {
      const socket = await connected(connect("/", { auth: { token: await mint({ sub: `user-${alg}` }, { alg }) } }));
      assert.equal((await socket.emitWithAck("whoami")).userId, `user-${alg}`);
    });
  }

  it("is read from the Authorization header", async () => {
    const token = await mint({ sub: "header-user" });
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = await connected(connect("/", { transports, extraHeaders: { Authorization: `Bearer ${token}` } }));
      assert.equal((await socket.emitWithAck("whoami")).userId, "header-user");
    }
  });

  it("joins the user room in every namespace it connects to", async () => {
    const token = await mint({ sub: "multi" });
    const main = await connected(connect("/", { auth: { token } }));
    const chat = await connected(main.io.socket("/chat", { auth: { token } }).connect());
    open.push(chat);
    assert.ok((await chat.emitWithAck("whoami")).rooms.includes("user:multi"));
    assert.equal((await chat.emitWithAck("whoami")).nsp, "/chat");
  });
});

describe("user rooms", () => {
  it("deliver to every tab of the user, and to nobody else", async () => {
    const alice1 = await connected(connect("/", { auth: { token: await mint({ sub: "alice" }) } }));
    const alice2 = await connected(connect("/", { transports: ["polling"], auth: { token: await mint({ sub: "alice" }) } }));
    const bob = await connected(connect("/", { auth: { token: await mint({ sub: "bob" }) } }));
    const bobGot = [];
    bob.on("notice", (x) => bobGot.push(x));
    const alice1Got = next(alice1, "notice");
    const alice2Got = next(alice2, "notice");
    await bob.emitWithAck("notify-user", "alice", "for alice");
    assert.deepEqual(await alice1Got, ["for alice"]);
    assert.deepEqual(await alice2Got, ["for alice"]);
    const bobOwn = next(bob, "notice");
    await alice1.emitWithAck("notify-user", "bob", "for bob");
    assert.deepEqual(await bobOwn, ["for bob"]);
    assert.deepEqual(bobGot, ["for bob"], "bob received alice's event");
  });

  it("cannot be joined or left by a client-driven handler", async () => {
    const socket = await connected(connect("/", { auth: { token: await mint({ sub: "mallory" }) } }));
    assert.equal(await socket.emitWithAck("try-join", "user:alice"), "reserved room name");
    assert.equal(await socket.emitWithAck("try-sockets-join", "user:alice"), "reserved room name");
    assert.equal(await socket.emitWithAck("try-leave", "user:mallory"), "reserved room name");
    assert.equal(await socket.emitWithAck("try-join", "chat:1"), null);
    assert.deepEqual((await socket.emitWithAck("whoami")).rooms.sort(), [socket.id, "chat:1", "user:mallory"].sort());
  });

  it("are joined again on reconnect, with nothing replayed", async () => {
    const token = await mint({ sub: "comeback" });
    const first = await connected(connect("/", { auth: { token } }));
    first.disconnect();
    const sender = await connected(connect("/", { auth: { token: await mint({ sub: "sender" }) } }));
    await sender.emitWithAck("notify-user", "comeback", "while away");
    const again = await connected(connect("/", { auth: { token } }));
    const missed = [];
    again.on("notice", (x) => missed.push(x));
    assert.ok((await again.emitWithAck("whoami")).rooms.includes("user:comeback"));
    const after = next(again, "notice");
    await sender.emitWithAck("notify-user", "comeback", "after");
    await after;
    assert.deepEqual(missed, ["after"]);
  });
});

describe("the connection lifecycle", () => {
  it("is logged: connect and disconnect with user, socket, transport, remote and correlation id", async () => {
    const socket = await connected(connect("/", { auth: { token: await mint({ sub: "logme" }) } }));
    const id = socket.id;
    const connectLine = await waitUntil(
      () => server.logs().split("\n").find((l) => l.includes(`socket_id=${id}`) && /\bconnected\b/.test(l)), 5000, "the connect log");
    assert.match(connectLine, /user_id=logme .*transport=websocket remote=127\.0\.0\.1:\d+ correlation_id=[0-9a-f]{16}/);
    socket.disconnect();
    await waitUntil(() => server.logs().includes(`disconnected user_id=logme socket_id=${id}`), 5000, "the disconnect log");
    assert.match(server.logs(), new RegExp(`disconnected user_id=logme socket_id=${id} nsp=/ reason="client namespace disconnect"`));
  });
});

describe("refusals", () => {
  it("token_missing", () => expectRefusal("token_missing", {}));
  it("token_malformed", () => expectRefusal("token_malformed", { auth: { token: "hello" } }));
  it("token_malformed (bad base64url in a JWT)", () => expectRefusal("token_malformed", { auth: { token: "a.b.c" } }));
  it("token_expired", async () => expectRefusal("token_expired", { auth: { token: await mint({ sub: "1", exp: now() - 60 }) } }));
  it("token_not_yet_valid", async () => expectRefusal("token_not_yet_valid", { auth: { token: await mint({ sub: "1", nbf: now() + 600 }) } }));
  it("signature_invalid (payload changed after signing)", async () => {
    const [header, , signature] = (await mint({ sub: "1" })).split(".");
    const forged = Buffer.from(JSON.stringify({ iss: issuer, aud: audience, sub: "admin", exp: now() + 60 })).toString("base64url");
    await expectRefusal("signature_invalid", { auth: { token: `${header}.${forged}.${signature}` } });
  });
  it("algorithm_not_allowed (alg none)", async () => {
    const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
    await expectRefusal("algorithm_not_allowed", { auth: { token: `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub: "admin", iss: issuer, aud: audience })}.` } });
  });
  // The RSA key verifies RS256 only: HS256 is checked against the shared secret alone, so the
  // public key used as an HMAC secret gets nowhere (the unit tests cover an RSA-only verifier).
  it("signature_invalid (HS256 signed with the RSA public key as secret)", async () => {
    const pem = rsa.publicKey.export({ type: "spki", format: "pem" });
    const token = await new SignJWT({ sub: "admin", iss: issuer, aud: audience, exp: now() + 60 })
      .setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(pem));
    await expectRefusal("signature_invalid", { auth: { token } });
  });
  it("audience_invalid", async () => expectRefusal("audience_invalid", { auth: { token: await mint({ sub: "1", aud: "someone-else" }) } }));
  it("issuer_invalid", async () => expectRefusal("issuer_invalid", { auth: { token: await mint({ sub: "1", iss: "https://evil.test" }) } }));
  it("key_unknown", async () => expectRefusal("key_unknown", { auth: { token: await mint({ sub: "1" }, { alg: "ES256", kid: "nope" }) } }));
  it("token_in_query_refused", () => expectRefusal("token_in_query_refused", { query: { token: "x.y.z" } }));
  it("session_unknown", () => expectRefusal("session_unknown", { auth: { token: `sbs_${"A".repeat(43)}` } }));

  it("applies to every namespace but the public one", async () => {
    await expectRefusal("token_missing", {}, "/chat");
    const socket = await connected(connect("/public"));
    assert.equal((await socket.emitWithAck("whoami")).userId, null);
  });

  it("logs the reason and the correlation id, never the token", async () => {
    const token = await mint({ sub: "logged", exp: now() - 5 });
    const err = await expectRefusal("token_expired", { auth: { token } });
    const line = await waitUntil(() => server.logs().split("\n").find((l) => l.includes(err.data.correlationId)),
      5000, `a log line with ${err.data.correlationId}`);
    assert.match(line, /refused/);
    assert.match(line, /token_expired/);
    const signature = token.split(".")[2];
    assert.ok(!server.logs().includes(signature) && !server.logs().includes(token.split(".")[1]), "a token reached the logs");
  });
});

describe("session tokens", () => {
  it("made by the CLI connect as their user, from auth or the cookie", async () => {
    const token = sessionCli("create", "--user", "77", "--ttl", "1h").trim();
    assert.match(token, /^sbs_[A-Za-z0-9_-]{43}$/);
    const socket = await connected(connect("/", { auth: { token } }));
    const me = await socket.emitWithAck("whoami");
    assert.equal(me.userId, "77");
    assert.equal(me.authKind, "session");
    const byCookie = await connected(connect("/", { transports: ["polling"], extraHeaders: { Cookie: `theme=dark; sb_session=${token}` } }));
    assert.equal((await byCookie.emitWithAck("whoami")).userId, "77");
  });

  it("are refused once revoked with the CLI, and never stored in clear", async () => {
    const token = sessionCli("create", "--user", "78", "--ttl", "1h").trim();
    await connected(connect("/", { auth: { token } }));
    const listed = sessionCli("list", "--user", "78");
    const id = listed.trim().split(/\s+/)[0];
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.match(sessionCli("revoke", id), /revoked/);
    assert.match(sessionCli("list", "--user", "78"), /revoked/);
    await expectRefusal("session_revoked", { auth: { token } });
    assert.ok(!fs.readFileSync(sessionsDb).includes(token.slice(4)), "the token is in the store");
  });
});

describe("with query tokens allowed and expiry enforced", () => {
  let other;
  before(async () => { other = await startFixture("auth-server", ["--jwt-secret", secret, "--allow-query-token", "--disconnect-on-expiry"]); });
  after(async () => { await other.stop(); });

  it("accepts ?token=", async () => {
    const socket = await connected(connect("/", { query: { token: await mint({ sub: "q" }) } }, other));
    assert.equal((await socket.emitWithAck("whoami")).userId, "q");
  });

  it("disconnects a socket when its token expires", async () => {
    const socket = await connected(connect("/", { auth: { token: await mint({ sub: "brief", exp: now() + 2 }) } }, other));
    const [reason] = await next(socket, "disconnect");
    assert.equal(reason, "io server disconnect");
    await waitUntil(() => /token expired, disconnecting user_id=brief/.test(other.logs()), 5000, "the expiry log");
  });
});
