// Event floods: authenticated official clients emitting events as fast as their connection takes
// them (the client's own buffers are kept under 1 MB). A disconnect by the server is counted, then
// the client comes back.
import { mintJwt } from "../auth.mjs";
import { connect, connected, destroy } from "../clients.mjs";
import { count, loops, pause, sleep } from "../kit.mjs";

const clients = 2;
const batch = 100;

export default async function eventFlood(ctx) {
  await loops(ctx, clients, async (i) => {
    const socket = connect(ctx, mintJwt(ctx.jwtSecret, `flood-${i}`));
    const { ok, why } = await connected(socket);
    if (!ok) {
      count(ctx, `refused: ${why}`);
      destroy(socket);
      return pause(ctx, 1000);
    }
    const engine = socket.io.engine;
    while (!ctx.stopping && socket.connected) {
      if (engine.writeBuffer.length > 1000 || engine.transport.ws.bufferedAmount > (1 << 20)) {
        await sleep(2);
        continue;
      }
      for (let k = 0; k < batch; k++) socket.emit("flood", { k, text: "event flood" });
      count(ctx, "emitted", batch);
      await new Promise(setImmediate);
    }
    if (!ctx.stopping) count(ctx, "disconnected by the server");
    destroy(socket);
    await pause(ctx, 500);
  });
}
