// Ping floods: WebSocket ping frames as fast as the server takes them, from clients that never
// read, so every pong stays queued in the server; half the clients add Engine.IO "2probe" messages.
import { count, loops, pause } from "../kit.mjs";
import { frame, openRaw, send } from "../rawws.mjs";

const connections = 4;
const lifetimeMs = 30_000;  // then a fresh connection, so that a closed one is noticed

export default async function pingFlood(ctx) {
  const pings = Buffer.concat(Array.from({ length: 256 }, (_, i) => frame(0x9, Buffer.alloc(125, i))));
  const probe = frame(0x1, "2probe");
  await loops(ctx, connections, async (i) => {
    const socket = await openRaw(ctx);  // paused: never reads
    count(ctx, "connections");
    const until = Date.now() + lifetimeMs;
    for (let n = 1; !ctx.stopping && Date.now() < until; n++) {
      if (!(await send(socket, pings))) break;
      count(ctx, "pings", 256);
      if (i % 2 && n % 16 === 0 && (await send(socket, probe))) count(ctx, "probes");
    }
    if (socket.destroyed) count(ctx, "closed by the server");
    socket.destroy();
    await pause(ctx, 200);
  });
}
