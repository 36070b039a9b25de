// The healthy control client: the official client with default options (polling, then upgrade;
// reconnecting) as user "control", and an event sent to it through POST /api/v1/emit every 500 ms.
// Each event's latency is recorded; an event that fails to be emitted or never arrives counts as late.
import { performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import { connected } from "./clients.mjs";

const periodMs = 500;
const limitMs = 1000;

export async function startControl({ base, token, apiKey, phase }) {
  const socket = io(base, { auth: { token }, reconnectionDelay: 100, reconnectionDelayMax: 1000 });
  const start = performance.now();
  const ticks = [];
  const disconnects = [];
  socket.on("tick", (data) => {
    const tick = ticks[data?.seq];
    if (tick && tick.latencyMs === undefined) tick.latencyMs = Math.round(performance.now() - tick.t0);
  });
  socket.on("disconnect", (reason) => disconnects.push({ atS: Math.round((performance.now() - start) / 1000), reason }));
  // Not connected in 30 s: the run goes on, and the events that do not arrive count as late.
  const { why: connectError } = await connected(socket, 30_000);

  const send = async () => {
    const tick = { seq: ticks.length, phase: phase(), t0: performance.now() };
    ticks.push(tick);
    try {
      const res = await fetch(`${base}/api/v1/emit`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ event: "tick", data: { seq: tick.seq }, users: ["control"] }),
        signal: AbortSignal.timeout(5000),
      });
      tick.status = res.status;
      tick.recipients = (await res.json().catch(() => ({}))).recipients;
    } catch (err) {
      tick.status = String(err?.name ?? err);
    }
  };
  const timer = setInterval(send, periodMs);

  return {
    async stop() {
      clearInterval(timer);
      // Every emit answered (they time out after 5 s), and every event in or past its second.
      const pending = (t) => t.status === undefined || (t.latencyMs === undefined && performance.now() - t.t0 < limitMs);
      const deadline = performance.now() + 7000;
      while (performance.now() < deadline && ticks.some(pending)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      socket.off("disconnect");
      socket.disconnect();
      return { connectError, ...summarize(ticks, disconnects) };
    },
  };
}

function summarize(ticks, disconnects) {
  const late = ticks.filter((t) => !(t.latencyMs <= limitMs));
  const latencies = ticks.map((t) => t.latencyMs).filter((ms) => ms !== undefined).sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? null;
  const byPhase = {};
  for (const t of ticks) {
    const phase = (byPhase[t.phase] ??= { sent: 0, late: 0, maxMs: 0 });
    phase.sent++;
    if (!(t.latencyMs <= limitMs)) phase.late++;
    phase.maxMs = Math.max(phase.maxMs, t.latencyMs ?? Infinity);
  }
  return {
    sent: ticks.length,
    received: latencies.length,
    onTime: ticks.length - late.length,
    late: late.length,
    missing: ticks.length - latencies.length,
    emitFailures: ticks.filter((t) => t.status !== 202).length,
    p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: latencies.at(-1) ?? null,
    byPhase,
    firstLate: late.slice(0, 10).map(({ seq, phase, latencyMs, status, recipients }) => ({ seq, phase, latencyMs, status, recipients })),
    disconnects,
  };
}
