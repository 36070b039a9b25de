// Handshake floods: Engine.IO polling handshakes as fast as the server answers, with 8 KB of
// headers each, never followed up (every session is abandoned).
import { makeAgent, request } from "../http.mjs";
import { count, loops } from "../kit.mjs";

const concurrency = 16;

export default async function handshakeFlood(ctx) {
  const agent = makeAgent();
  const headers = { "X-Padding": "p".repeat(8 * 1024) };
  await loops(ctx, concurrency, async () => {
    const res = await request(`${ctx.base}/socket.io/?EIO=4&transport=polling`, { agent, headers, localAddress: ctx.localAddress });
    count(ctx, `status ${res.status || res.error}`);
  });
  agent.destroy();
}
