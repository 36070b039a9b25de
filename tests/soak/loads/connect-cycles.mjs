// Connect/disconnect cycles: `ctx.cycles` connections of the official client (authenticated,
// over WebSocket), spread evenly over the first 90% of the load phase (the rest absorbs connects
// slowed by the other loads), each closed as soon as it is up.
import { performance } from "node:perf_hooks";
import { mintJwt } from "../auth.mjs";
import { connect, connected, destroy } from "../clients.mjs";
import { count, loops, pause } from "../kit.mjs";

const parallel = 8;

export default async function connectCycles(ctx) {
  const interval = (0.9 * ctx.loadSeconds * 1000) / ctx.cycles;
  const token = mintJwt(ctx.jwtSecret, "cycler");
  let started = 0;
  let next = Date.now();
  ctx.stats.target = ctx.cycles;
  ctx.stats.slowestConnectMs = 0;
  await loops(ctx, parallel, async () => {
    if (started >= ctx.cycles) return pause(ctx, 1000);
    started++;
    const slot = next;
    next = Math.max(next, Date.now()) + interval;
    if (slot > Date.now()) await pause(ctx, slot - Date.now());
    if (ctx.stopping) return;
    const t0 = performance.now();
    const socket = connect(ctx, token);
    const { ok, why } = await connected(socket);
    if (!ok) {
      destroy(socket);
      return count(ctx, `failed: ${why}`);
    }
    socket.disconnect();
    count(ctx, "completed");
    ctx.stats.slowestConnectMs = Math.max(ctx.stats.slowestConnectMs, Math.round(performance.now() - t0));
  });
}
