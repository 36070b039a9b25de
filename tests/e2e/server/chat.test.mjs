// The chat module of `switchboard serve`: rooms made through the REST API, joins refused to
// non-members, messages stored before they are broadcast (acked with their id), and the REST
// history a reconnecting client refetches.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { binary, startServer } from "../support/fixture.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-chat-"));
const apiKey = "chat-test-api-key-0123456789";
const configFile = path.join(dir, "switchboard.toml");
fs.writeFileSync(configFile, `
[server]
port = 0
data_dir = "${dir}/var"
[auth]
jwt_secret = "a-chat-test-secret-that-is-long-enough-0123456789"
[api]
keys = { tests = "${apiKey}" }
[chat]
max_text = 20
`);

let server;
let base;
before(async () => {
  server = await startServer("switchboard", ["serve", "--config", configFile]);
  base = server.base;
});
const open = [];
after(async () => {
  for (const s of open) s.disconnect();
  await server.stop();  // fails on a non-zero exit
  fs.rmSync(dir, { recursive: true, force: true });
});

const token = (user) => execFileSync(binary("switchboard"), ["token", "--config", configFile, "--user", user], { encoding: "utf8" }).trim();
async function connect(user) {
  const s = io(base, { forceNew: true, reconnection: false, transports: ["websocket"], auth: { token: token(user) } });
  open.push(s);
  await once(s, "connect");
  return s;
}
const createRoom = (body, key = apiKey) => fetch(`${base}/api/v1/chat/rooms`, {
  method: "POST", headers: { Authorization: `Bearer ${key}` }, body: JSON.stringify(body),
});
const history = (room, user, after = 0) => fetch(`${base}/api/v1/chat/rooms/${room}/messages?after=${after}`, {
  headers: user ? { Authorization: `Bearer ${token(user)}` } : {},
});

describe("chat", () => {
  let room;
  before(async () => {
    const res = await createRoom({ name: "general", members: ["alice", "bob"] });
    assert.equal(res.status, 201);
    room = (await res.json()).id;
  });

  it("creates rooms through the REST API, with clear errors", async () => {
    assert.equal((await createRoom({ id: room, name: "again", members: [] })).status, 409);
    assert.equal((await createRoom({ name: "x", members: [] }, "wrong-key-000000000000")).status, 401);
    assert.equal((await createRoom({ members: "alice" })).status, 400);
  });

  it("lets members join, refuses others, and stores each message before broadcasting it", async () => {
    const alice = await connect("alice");
    const bob = await connect("bob");
    const carol = await connect("carol");
    assert.deepEqual(await alice.emitWithAck("chat:join", { roomId: room }), { ok: true, data: { roomId: room, member: true } });
    assert.equal((await bob.emitWithAck("chat:join", { roomId: room })).ok, true);
    assert.equal((await carol.emitWithAck("chat:join", { roomId: room })).error.code, "not_a_member");
    assert.equal((await carol.emitWithAck("chat:join", { roomId: "nope" })).error.code, "room_unknown");

    const received = once(bob, "chat:message");
    const sent = await alice.emitWithAck("chat:send", { roomId: room, text: "hello bob" });
    assert.equal(sent.ok, true);
    const [message] = await received;
    assert.equal(message.messageId, sent.data.messageId);
    assert.equal(message.from, "alice");
    assert.equal(message.text, "hello bob");
    assert.equal((await alice.emitWithAck("chat:send", { roomId: room, text: "x".repeat(21) })).error.code, "text_too_long");
    assert.equal((await alice.emitWithAck("chat:send", { roomId: room, text: "" })).error.code, "text_empty");
    assert.equal((await carol.emitWithAck("chat:send", { roomId: room, text: "hi" })).error.code, "not_a_member");
  });

  it("serves the history a reconnecting member refetches, to members only", async () => {
    const res = await history(room, "bob");
    assert.equal(res.status, 200);
    const { messages } = await res.json();
    assert.deepEqual(messages.map((m) => [m.from, m.text]), [["alice", "hello bob"]]);
    const later = await (await history(room, "bob", messages[0].id)).json();
    assert.deepEqual(later.messages, []);
    assert.equal((await history(room, "carol")).status, 403);
    assert.equal((await history("nope", "bob")).status, 404);
    assert.equal((await history(room, null)).status, 401);
  });
});
