// Starts every load in its own worker thread, each from its own loopback source address
// (127.0.0.2, .3, ...), so that per-address limits meet one load at a time and never the control
// client (127.0.0.1). Stopping waits for each load to close its connections (20 s at most).
import { Worker } from "node:worker_threads";

export const allLoads = ["slow-consumers", "ping-flood", "handshake-flood", "event-flood", "invalid-payloads",
  "connect-cycles", "revoked-tokens", "chat-flood"];

export function startLoads(names, ctx) {
  const loads = names.map((name, i) => {
    const worker = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: { name, ctx: { ...ctx, localAddress: `127.0.0.${i + 2}` } },
    });
    const load = { name, stats: {}, done: false, worker };
    load.finished = new Promise((resolve) => {
      worker.on("message", (message) => {
        load.stats = message.stats;
        if (message.done) resolve();
      });
      worker.on("error", (err) => { load.stats.crashed = String(err?.stack ?? err); resolve(); });
      worker.on("exit", resolve);
    });
    return load;
  });
  return {
    loads,
    async stop() {
      for (const load of loads) load.worker.postMessage("stop");
      await Promise.all(loads.map((load) => Promise.race([load.finished, new Promise((r) => setTimeout(r, 20_000))])));
      await Promise.all(loads.map((load) => load.worker.terminate()));
      return Object.fromEntries(loads.map((load) => [load.name, load.stats]));
    },
  };
}
