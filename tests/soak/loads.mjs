// Starts every load in its own process at a lower priority (nice 10), so that the loads compete
// for the CPU with neither the server nor the control client's clock, each from its own loopback
// source address (127.0.0.2, .3, ...), so that per-address limits meet one load at a time and
// never the control client (127.0.0.1). Stopping waits for each load to close its connections
// (20 s at most), then kills what is left.
import { fork } from "node:child_process";
import os from "node:os";

export const allLoads = ["slow-consumers", "ping-flood", "handshake-flood", "event-flood", "invalid-payloads",
  "connect-cycles", "revoked-tokens", "chat-flood", "other-clients"];

export function startLoads(names, ctx) {
  const loads = names.map((name, i) => {
    const env = { ...process.env, SOAK_LOAD: JSON.stringify({ ...ctx, name, localAddress: `127.0.0.${i + 2}` }) };
    const child = fork(new URL("./worker.mjs", import.meta.url), { env });
    os.setPriority(child.pid, 10);
    const load = { name, stats: {}, child };
    child.on("message", (message) => { load.stats = message.stats; });
    load.exited = new Promise((resolve) => child.on("exit", (code, signal) => {
      if (code || signal) load.stats.crashed ??= `exited with ${code ?? signal}`;
      resolve();
    }));
    return load;
  });
  return {
    loads,
    async stop() {
      for (const load of loads) if (load.child.connected) load.child.send("stop");
      await Promise.all(loads.map((load) => Promise.race([load.exited, new Promise((r) => setTimeout(r, 20_000))])));
      for (const load of loads.filter((l) => l.child.exitCode === null && l.child.signalCode === null)) {
        load.stats.crashed = "did not stop within 20 s";
        load.child.kill("SIGKILL");
      }
      return Object.fromEntries(loads.map((load) => [load.name, load.stats]));
    },
  };
}
