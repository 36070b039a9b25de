// Two modules (tests/fixtures/realtime/, separate translation units) emitting typed events to
// users connected with the official socket.io-client, and the TypeScript declarations generated
// from their catalogues checked by tsc.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SignJWT } from "jose";
import { io } from "socket.io-client";
import { binary, startFixture, waitUntil } from "../support/fixture.mjs";

const secret = "a-realtime-test-secret-that-is-more-than-thirty-two-bytes-long";
const token = (sub) => new SignJWT({ sub }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));

let server;
const open = [];
before(async () => { server = await startFixture("realtime-server", ["--jwt-secret", secret]); });
after(async () => {
  for (const socket of open) socket.disconnect();
  await server.stop();
});

async function connect(user, transports = ["websocket"]) {
  const socket = io(server.base, { forceNew: true, reconnection: false, transports, auth: { token: await token(user) } });
  open.push(socket);
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

// Records every event each socket receives, so that a test can show who got nothing.
function recordAll(sockets) {
  const inbox = new Map(sockets.map((s) => [s, []]));
  for (const s of sockets) s.onAny((event, payload) => { if (event !== "test:barrier") inbox.get(s).push([event, payload]); });
  return inbox;
}
// Every socket receives the barrier after whatever `via` caused before it: `via`'s events are
// handled in order on its shard, and each shard delivers in the order it was given.
async function barrier(sockets, round, via) {
  const all = Promise.all(sockets.map((s) => new Promise((resolve) => {
    const on = (b) => { if (b.round === round) { s.off("test:barrier", on); resolve(); } };
    s.on("test:barrier", on);
  })));
  via.emit("test:barrier", { round });
  await all;
}

describe("attached to the host's HTTP server", () => {
  it("takes /socket.io/ only: the application's routes stay its own", async () => {
    const ping = await fetch(`${server.base}/app/ping`);
    assert.equal(await ping.text(), "pong");
    const handshake = await fetch(`${server.base}/socket.io/?EIO=4&transport=polling`);
    assert.equal(handshake.status, 200);
    assert.match(await handshake.text(), /^0\{"sid":/);
  });
});

describe("emitting to users", () => {
  const users = Array.from({ length: 60 }, (_, i) => `u${i}`);
  let sockets;
  let byUser;
  before(async () => {
    sockets = [];
    byUser = new Map();
    for (const user of users) {
      const tabs = [await connect(user)];
      if (user === "u1" || user === "u2") tabs.push(await connect(user, ["polling"]));  // a second tab
      byUser.set(user, tabs);
      sockets.push(...tabs);
    }
  });

  it("reaches every tab of the targeted user, and nobody else", async () => {
    const inbox = recordAll(sockets);
    const [alice] = byUser.get("u1");
    const answer = await alice.emitWithAck("orders:place", { item: "tea", quantity: 2 });
    assert.equal(answer.ok, true);
    assert.equal(answer.data.item, "tea");
    await barrier(sockets, 1, alice);
    for (const [socket, events] of inbox) {
      const expected = byUser.get("u1").includes(socket) ? [["orders:placed", answer.data]] : [];
      assert.deepEqual(events, expected);
    }
  });

  it("reaches a list of users from another module", async () => {
    const inbox = recordAll(sockets);
    const [sender] = byUser.get("u5");
    sender.emit("notes:share", { toUserIds: ["u2", "u7", "u59"], text: "hello" });
    await barrier(sockets, 2, sender);
    const targeted = new Set([...byUser.get("u2"), ...byUser.get("u7"), ...byUser.get("u59")]);
    for (const [socket, events] of inbox) {
      assert.deepEqual(events, targeted.has(socket) ? [["notes:shared", { from: "u5", text: "hello" }]] : []);
    }
    await waitUntil(() => /emitted event=notes:shared users=u2,u7,u59 recipients=4/.test(server.logs()), 5000, "the emit log");
  });
});

describe("typed handlers", () => {
  it("answer a payload that does not fit with an error ack naming the field", async () => {
    const socket = await connect("typo");
    assert.deepEqual(await socket.emitWithAck("orders:place", { item: 5 }),
      { ok: false, error: { code: "invalid_payload", message: "item: expected string" } });
    assert.deepEqual(await socket.emitWithAck("orders:place", "not an object"),
      { ok: false, error: { code: "invalid_payload", message: "payload: expected PlaceOrder" } });
    assert.deepEqual(await socket.emitWithAck("orders:place", { item: "x", quantity: 0 }),
      { ok: false, error: { code: "invalid_quantity", message: "quantity must be at least 1" } });
  });

  it("drop and log a bad payload when no ack was asked, and the connection goes on", async () => {
    const socket = await connect("careless");
    socket.emit("notes:share", { toUserIds: "u1", text: 1 });
    await waitUntil(() => /invalid payload event=notes:share error="toUserIds: expected array of string" user_id=careless/.test(server.logs()),
      5000, "the warning");
    assert.equal((await socket.emitWithAck("orders:place", { item: "still here", quantity: 1 })).ok, true);
  });
});

describe("module rooms", () => {
  it("let clients in through the module's authorisation, and keep others out", async () => {
    const ann = await connect("ann");
    const bob = await connect("bob");
    assert.deepEqual(await ann.emitWithAck("team:join", { roomId: "open-1" }), { ok: true, data: { roomId: "open-1", member: true } });
    assert.deepEqual(await bob.emitWithAck("team:join", { roomId: "ann" }),
      { ok: false, error: { code: "not_a_member", message: "user bob is not a member of team ann" } });
    const inbox = recordAll([ann, bob]);
    bob.emit("team:say", { roomId: "open-1", text: "not a member yet" });
    ann.emit("team:say", { roomId: "open-1", text: "hi team" });
    await barrier([ann, bob], 3, ann);
    await barrier([ann, bob], 4, bob);
    assert.deepEqual(inbox.get(ann), [["team:message", { from: "ann", text: "hi team" }]]);
    assert.deepEqual(inbox.get(bob), []);
    assert.deepEqual(await ann.emitWithAck("team:leave", { roomId: "open-1" }), { ok: true, data: { roomId: "open-1", member: false } });
  });
});

describe("TypeScript declarations", () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.join(process.env.SWITCHBOARD_BIN_DIR ?? "build/bin", "..", "tsc-check");
  const tsc = path.resolve(here, "../../../node_modules/typescript/bin/tsc");
  const client = (body) => `import { io, Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./events";
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:3000");
${body}
`;
  const check = (file, body, declarations = "./events") => {
    fs.writeFileSync(path.join(dir, file), client(body).replace("./events", declarations));
    return spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2020", "--module", "esnext",
      "--moduleResolution", "node", "--skipLibCheck", path.join(dir, file)], { encoding: "utf8" });
  };
  before(() => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "events.d.ts"), execFileSync(binary("realtime-server"), ["--print-types"], { encoding: "utf8" }));
  });

  it("type a correct client", () => {
    const result = check("good.ts", `socket.emit("orders:place", { item: "tea", quantity: 2 }, (answer) => {
  if (answer.ok) console.log(answer.data.orderId.toUpperCase());
  else console.log(answer.error.code);
});
socket.on("notes:shared", (note) => console.log(note.from, note.text.length));`);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it("refuse a wrong payload, as the server does", () => {
    const result = check("bad.ts", `socket.emit("orders:place", { item: 5, quantity: 2 }, () => {});`);
    assert.notEqual(result.status, 0);
    assert.match(result.stdout, /bad\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it("come from `switchboard types` for the server's own modules", () => {
    fs.writeFileSync(path.join(dir, "chat-events.d.ts"), execFileSync(binary("switchboard"), ["types"], { encoding: "utf8" }));
    const body = `socket.emit("chat:send", { roomId: "r1", text: "hi" }, (answer) => { if (answer.ok) console.log(answer.data.messageId + 1); });
socket.on("chat:message", (m) => console.log(m.roomId, m.sentAt.toFixed()));`;
    const result = check("chat.ts", body, "./chat-events");
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it("refuse an event that is not in the catalogue", () => {
    const result = check("unknown.ts", `socket.emit("orders:cancel", { orderId: "o1" });`);
    assert.notEqual(result.status, 0);
    assert.match(result.stdout, /error TS2345/);
  });
});
