// Revoked tokens: a client connects with a session token, the token is revoked with the CLI, and
// the client must be disconnected within 5 s. Each delay (from the revocation) is recorded.
import { performance } from "node:perf_hooks";
import { createSession, revokeSession } from "../auth.mjs";
import { connect, connected, destroy } from "../clients.mjs";
import { count, loops, pause, sleep } from "../kit.mjs";

const deadlineMs = 5000;
const periodMs = 5000;

export default async function revokedTokens(ctx) {
  ctx.stats.delaysMs = [];
  let n = 0;
  await loops(ctx, 1, async () => {
    const session = await createSession(ctx.binary, ctx.sqlite, `revoked-${n++}`);
    const socket = connect(ctx, session.token);
    const { ok, why } = await connected(socket);
    if (!ok) {
      count(ctx, `refused: ${why}`);
      destroy(socket);
      return pause(ctx, 1000);
    }
    const gone = new Promise((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    await revokeSession(ctx.binary, ctx.sqlite, session.id);
    const t0 = performance.now();
    const reason = await Promise.race([gone, sleep(deadlineMs).then(() => null)]);
    count(ctx, "revoked");
    if (reason === null) count(ctx, "still connected after 5 s");
    else {
      count(ctx, `disconnected: ${reason}`);
      ctx.stats.delaysMs.push(Math.round(performance.now() - t0));
    }
    destroy(socket);
    await pause(ctx, periodMs);
  });
}
