// Runs one load (loads/<name>.mjs) in its own thread, so that a busy load never delays the
// control client's clock. Its counters go to the parent every second; "stop" ends it.
import { parentPort, workerData } from "node:worker_threads";

const ctx = { ...workerData.ctx, stats: {}, stopping: false };
parentPort.on("message", (message) => {
  if (message === "stop") ctx.stopping = true;
});
const report = setInterval(() => parentPort.postMessage({ stats: ctx.stats }), 1000);
try {
  const { default: run } = await import(`./loads/${workerData.name}.mjs`);
  await run(ctx);
} catch (err) {
  ctx.stats.crashed = String(err?.stack ?? err);
}
clearInterval(report);
parentPort.postMessage({ stats: ctx.stats, done: true });
