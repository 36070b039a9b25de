// The demo page's crash: two members of chat:lobby (user "demo"), one that joined and stopped
// reading, and one that sends chat:send as fast as the acks come back (8 in flight).
import { mintJwt } from "../auth.mjs";
import { connect, connected, destroy, stopReading } from "../clients.mjs";
import { count, loops, pause } from "../kit.mjs";

const lurkerLifetimeMs = 60_000;
const inFlight = 8;
const text = "flood ".repeat(250);

async function joined(ctx, token) {
  const socket = connect(ctx, token);
  const { ok, why } = await connected(socket);
  const answer = ok ? await socket.timeout(5000).emitWithAck("chat:join", { roomId: "lobby" }).catch(() => null) : null;
  if (answer?.ok) return socket;
  count(ctx, `join failed: ${why ?? JSON.stringify(answer?.error ?? "ack timeout")}`);
  destroy(socket);
  await pause(ctx, 1000);
  return null;
}

export default async function chatFlood(ctx) {
  const token = mintJwt(ctx.jwtSecret, "demo");
  const lurker = async () => {
    const socket = await joined(ctx, token);
    if (!socket) return;
    stopReading(socket);
    count(ctx, "lurkers");
    await pause(ctx, lurkerLifetimeMs);
    destroy(socket);
  };
  const sender = async () => {
    const socket = await joined(ctx, token);
    if (!socket) return;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (!ctx.stopping && socket.connected) {
        const answer = await socket.timeout(5000).emitWithAck("chat:send", { roomId: "lobby", text }).catch(() => null);
        count(ctx, answer?.ok ? "sent" : answer ? `refused: ${answer.error?.code}` : "ack timeout");
      }
    }));
    if (!ctx.stopping) count(ctx, "sender disconnected");
    destroy(socket);
  };
  await Promise.all([loops(ctx, 1, lurker), loops(ctx, 1, sender)]);
}
