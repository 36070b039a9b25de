// The other clients a server may serve beside JSON v4 ones: the soak's server runs the msgpack
// parser, Engine.IO v3 and the Admin UI in development mode (server.mjs). Here msgpack clients
// (user "demo", in chat:lobby) send chat messages with acks and binary events, v2 clients come
// and go (refused without a token), and Admin UI clients stay logged in for a while, taking
// every report, one of them never reading.
import { createRequire } from "node:module";
import { io } from "socket.io-client";
import parser from "socket.io-msgpack-parser";
import { mintJwt } from "../auth.mjs";
import { connect, connected, destroy, stopReading } from "../clients.mjs";
import { count, loops, pause } from "../kit.mjs";

const ioV2 = createRequire(import.meta.url)("socket.io-client-v2");
const adminLifetimeMs = 20_000;
const batch = 8;  // within the chat module's pending messages per socket

export default async function otherClients(ctx) {
  const msgpack = async (i) => {
    const socket = connect(ctx, mintJwt(ctx.jwtSecret, "demo"), { parser });
    const { ok, why } = await connected(socket);
    if (!ok) {
      count(ctx, `msgpack refused: ${why}`);
      destroy(socket);
      return pause(ctx, 1000);
    }
    const joined = await socket.timeout(5000).emitWithAck("chat:join", { roomId: "lobby" }).catch(() => null);
    count(ctx, joined?.ok ? "msgpack joined" : `msgpack join failed: ${JSON.stringify(joined?.error?.code ?? "ack timeout")}`);
    for (let round = 0; round < 400 && !ctx.stopping && socket.connected; round++) {
      const acks = Array.from({ length: batch }, (_, k) => {
        socket.emit("blob", { k }, Buffer.alloc(k * 20));
        return socket.timeout(5000).emitWithAck("chat:send", { roomId: "lobby", text: `msgpack ${i}.${k}` }).catch(() => null);
      });
      const answers = await Promise.all(acks);
      count(ctx, "msgpack acked", answers.filter((a) => a?.ok).length);
      count(ctx, "msgpack refused or late", answers.filter((a) => !a?.ok).length);
    }
    destroy(socket);
    await pause(ctx, 100);
  };
  const v2 = async () => {
    const socket = ioV2(ctx.base, { forceNew: true, reconnection: false, transports: ["polling", "websocket"], localAddress: ctx.localAddress });
    const outcome = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve("timeout"), 10_000);
      socket.once("error", () => { clearTimeout(timer); resolve("refused"); });
      socket.once("connect_error", () => { clearTimeout(timer); resolve("connect_error"); });
      socket.once("connect", () => { clearTimeout(timer); resolve("connected"); });
    });
    count(ctx, `v2 ${outcome}`);
    socket.close();
    await pause(ctx, 200);
  };
  const admin = async (i) => {
    const socket = io(`${ctx.base}/admin`, { forceNew: true, reconnection: false, transports: ["websocket"], localAddress: ctx.localAddress });
    let reports = 0;
    socket.onAny(() => { reports++; });
    const { ok, why } = await connected(socket);
    if (!ok) {
      count(ctx, `admin refused: ${why}`);
      destroy(socket);
      return pause(ctx, 1000);
    }
    if (i === 1) stopReading(socket);
    await pause(ctx, adminLifetimeMs);
    count(ctx, "admin reports", reports);
    destroy(socket);
  };
  await Promise.all([loops(ctx, 2, msgpack), loops(ctx, 1, v2), loops(ctx, 2, admin)]);
}
