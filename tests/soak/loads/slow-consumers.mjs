// Slow consumers: authenticated official clients that stop reading, while the REST API emits
// 32 KB events to them every 10 ms (the "non-reading user gets REST emits"); each
// consumer lives 90 s, long enough for 4,096 events to queue up behind its full socket.
import { mintJwt } from "../auth.mjs";
import { connect, connected, destroy, stopReading } from "../clients.mjs";
import { emitRest, makeAgent } from "../http.mjs";
import { count, loops, pause } from "../kit.mjs";

const consumers = 8;
const lifetimeMs = 90_000;
const periodMs = 10;
const payload = { text: "x".repeat(32 * 1024) };

export default async function slowConsumers(ctx) {
  const users = Array.from({ length: consumers }, (_, i) => `slow-${i}`);
  const emitter = async () => {
    const agent = makeAgent();
    while (!ctx.stopping) {
      const res = await emitRest(ctx, { event: "bulk", data: payload, users }, agent);
      count(ctx, `emit ${res.status || res.error}`);
      await pause(ctx, periodMs);
    }
    agent.destroy();
  };
  const consumer = async (i) => {
    const socket = connect(ctx, mintJwt(ctx.jwtSecret, users[i]));
    const { ok, why } = await connected(socket);
    if (!ok) {
      count(ctx, `refused: ${why}`);
      destroy(socket);
      return pause(ctx, 1000);
    }
    stopReading(socket);
    count(ctx, "consumers");
    await pause(ctx, lifetimeMs);
    destroy(socket);
  };
  await Promise.all([emitter(), loops(ctx, consumers, consumer)]);
}
