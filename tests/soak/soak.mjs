// The soak (`make soak`; not part of `make test`):
//   node tests/soak/soak.mjs --binary PATH [--minutes 20] [--out DIR] [--rounds 2]
//     [--loads a,b,...] [--warmup S] [--prime S] [--settle S] [--cycles N] [--max-rss-mb 4096] [--keep-data]
// Starts `switchboard serve` on config/dev.toml, a free port and a fresh data directory, and runs:
//   1. warm-up (1 min, or 15% of a shorter run): the control client only; the fresh process's RSS;
//      then priming (30 s, or 5% of a shorter run; --prime 0: none): every load at once, then a
//      settle; the RSS baseline after it. A fresh ASan process has an empty quarantine (16 MB of
//      freed memory it keeps resident, server.mjs), shadow pages and stack depot: the steady state
//      the 10% is measured from is the one after the first load, not before it;
//   2. rounds (2 by default), each of:
//      loads: every load of loads/ at once, one process each, for an equal share of the time;
//      settle (at most 3 min in all, or 20%, shared by the rounds): loads stopped, until only the
//      control client's Engine.IO session is left (GET /metrics) and RSS stops falling;
// then SIGTERM. The control client gets an event every 500 ms throughout. Checks: exit code 0,
// no sanitizer report, every control event within 1 s, the memory the server holds after the
// loads within 10% of the baseline (RSS less what ASan's allocator keeps of freed memory, plus the
// live heap: server.mjs heldKb), RSS after the last round within 10% of RSS after the first (a leak grows with every
// round; ASAN_OPTIONS of server.mjs let ASan's allocator give memory back), log under 50 MB, revoked sockets gone within 5 s, the connect cycles done.
// Exit code 0 only if all pass. /metrics is kept in <out> after each round's loads and at the
// end. A server whose RSS passes --max-rss-mb, or whose log passes 500 MB, ends the loads early
// (the machine is shared).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { mintJwt, readSecrets } from "./auth.mjs";
import { startControl } from "./control.mjs";
import { sleep } from "./kit.mjs";
import { allLoads, startLoads } from "./loads.mjs";
import { checks, report } from "./report.mjs";
import { heldKb, rssKb, scanLog, startServer } from "./server.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values: opt } = parseArgs({
  options: {
    binary: { type: "string" }, minutes: { type: "string", default: "20" }, out: { type: "string" },
    config: { type: "string", default: path.join(root, "config/dev.toml") }, loads: { type: "string", default: allLoads.join(",") },
    warmup: { type: "string" }, prime: { type: "string" }, settle: { type: "string" }, cycles: { type: "string" }, rounds: { type: "string", default: "2" },
    "max-rss-mb": { type: "string", default: "4096" }, "keep-data": { type: "boolean", default: false },
  },
});
if (!opt.binary) throw new Error("usage: node tests/soak/soak.mjs --binary PATH [--minutes 20] [--out DIR]");
const names = opt.loads.split(",").filter(Boolean);
for (const name of names) if (!allLoads.includes(name)) throw new Error(`unknown load ${name}; loads: ${allLoads.join(", ")}`);

const totalS = Number(opt.minutes) * 60;
const warmupS = Number(opt.warmup ?? Math.min(60, 0.15 * totalS));
const primeS = Number(opt.prime ?? Math.min(30, 0.05 * totalS));
const settleMaxS = Number(opt.settle ?? Math.min(180, 0.2 * totalS));
const loadS = totalS - warmupS - primeS - settleMaxS;
const cycles = Number(opt.cycles ?? Math.round((10_000 * Number(opt.minutes)) / 20));
const roundCount = Math.max(1, Number(opt.rounds));
const roundLoadS = loadS / roundCount;
const roundSettleS = Math.max(60, settleMaxS / roundCount);
const out = path.resolve(opt.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-soak-")));
fs.mkdirSync(out, { recursive: true });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-soak-data-"));
const logFile = path.join(out, "server.log");
fs.rmSync(logFile, { force: true });
const binary = path.resolve(opt.binary);
const secrets = readSecrets(opt.config);
console.log(`soak: ${binary}, warm-up ${warmupS} s, priming ${Math.round(primeS)} s, ${roundCount} rounds of loads ${Math.round(roundLoadS)} s ` +
            `(${names.join(", ")}) and settle up to ${Math.round(roundSettleS)} s; out ${out}`);

const start = performance.now();
const elapsedS = () => Math.round((performance.now() - start) / 1000);
let phase = "start";
const samples = [];
let aborted = null;
let abortLoads;
const loadsAborted = new Promise((resolve) => { abortLoads = resolve; });
const sample = () => {
  const kb = rssKb(server.pid);
  if (kb) samples.push({ atS: elapsedS(), phase, kb });
  const logSize = fs.statSync(logFile).size;
  const why = kb > Number(opt["max-rss-mb"]) * 1024 ? `RSS ${Math.round(kb / 1024)} MB over --max-rss-mb`
    : logSize > 500 * 1024 * 1024 ? `log ${Math.round(logSize / 1048576)} MB over 500 MB` : null;
  if (why && ["priming", "loads"].includes(phase) && !aborted) {
    aborted = `${why}, ${elapsedS()} s in`;
    abortLoads();
  }
  return kb;
};
const status = (line) => console.log(`[${String(elapsedS()).padStart(5)} s] ${line}`);

const server = await startServer({ binary, config: opt.config, dataDir, logFile });
// GET /metrics, kept in <out>/metrics-<name>.txt; null when the server does not answer.
const scrape = async (name) => {
  const res = await fetch(`${server.base}/metrics`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  const text = res?.status === 200 ? await res.text() : null;
  if (text) fs.writeFileSync(path.join(out, `metrics-${name}.txt`), text);
  return text;
};
const gauge = (metrics, name) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(metrics ?? "")?.[1] ?? NaN);
const sessions = (metrics) => gauge(metrics, "switchboard_engine_sessions");
// The allocator's live bytes: with RSS, tells memory the server holds from memory the allocator keeps.
const heapKb = (metrics) => Math.round(gauge(metrics, "switchboard_process_heap_bytes") / 1024) || null;
status(`server pid ${server.pid} on ${server.base}`);
const ticker = setInterval(sample, 2000);
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
let crashed = null;
server.exited.then(() => {
  if (phase !== "stopping") crashed = { phase, atS: elapsedS() };
  if (["start", "warmup", "priming", "loads"].includes(phase)) aborted ??= `the server exited during ${phase}, ${elapsedS()} s in`;
  if (crashed) status(`THE SERVER EXITED (${server.exit.code ?? server.exit.signal}) during ${phase}`);
  abortLoads();
});
const control = await startControl({ base: server.base, token: mintJwt(secrets.jwtSecret, "control"), apiKey: secrets.apiKey, phase: () => phase });

phase = "warmup";
await Promise.race([sleep(warmupS * 1000), server.exited]);
sample();
const warm = samples.filter((s) => s.phase === "warmup" && s.atS >= elapsedS() - 15).map((s) => s.kb).sort((a, b) => a - b);
const freshKb = warm[Math.floor(warm.length / 2)] ?? null;
const freshHeapKb = heapKb(await scrape("fresh"));
const freshHeldKb = heldKb(server.pid, freshHeapKb);
status(`fresh process: RSS ${freshKb} kB, live heap ${freshHeapKb} kB`);

// Loads stopped: waits until only the control client's session is left and the last 10 s
// brought no new low (by 1%) below what came before; the RSS then.
async function settle(name) {
  phase = "settle";
  const settleStart = elapsedS();
  let sessionsLeft = null;
  let metrics = null;
  while (!crashed && elapsedS() - settleStart < roundSettleS) {
    await sleep(2000);
    sample();
    metrics = await scrape(name);
    sessionsLeft = sessions(metrics);
    const settling = samples.filter((s) => s.phase === "settle" && s.atS >= settleStart);
    const recent = settling.filter((s) => s.atS >= elapsedS() - 10);
    const before = settling.filter((s) => s.atS < elapsedS() - 10).map((s) => s.kb);
    if (sessionsLeft <= 1 && before.length && Math.min(...recent.map((s) => s.kb)) >= Math.min(...before) * 0.99) break;
  }
  const kb = crashed ? null : sample();
  const heap = heapKb(metrics);
  return { kb, heapKb: heap, heldKb: crashed ? null : heldKb(server.pid, heap), settleS: elapsedS() - settleStart, sessionsLeft };
}

// Every load at once for `seconds` (in phase `kind`), then the settle: the loads' figures and the RSS then.
async function runLoads(name, kind, seconds, cycleCount) {
  phase = kind;
  const running = startLoads(names, {
    base: server.base, host: "127.0.0.1", port: Number(new URL(server.base).port), jwtSecret: secrets.jwtSecret,
    apiKey: secrets.apiKey, binary, sqlite: path.join(dataDir, "sessions.db"), loadSeconds: seconds, cycles: cycleCount,
  });
  const progress = setInterval(() => status(`RSS ${samples.at(-1)?.kb} kB; ${running.loads.map((l) => `${l.name} ${brief(l.stats)}`).join("; ")}`), 30_000);
  await Promise.race([sleep(seconds * 1000), loadsAborted]);
  clearInterval(progress);
  phase = "stopping loads";
  const loads = await running.stop();
  status(`${name}: loads stopped; ${sessions(await scrape(`after-loads-${name}`))} Engine.IO sessions left`);
  const settled = await settle(`settle-${name}`);
  status(`${name}: RSS ${settled.kb} kB, live heap ${settled.heapKb} kB, held ${settled.heldKb} kB after ${settled.settleS} s (${settled.sessionsLeft} sessions left)`);
  return { loads, ...settled };
}

const priming = primeS > 0 && !crashed ? await runLoads("priming", "priming", primeS, Math.round(cycles * primeS / loadS)) : null;
const baselineKb = priming ? priming.kb : freshKb;
const baselineHeapKb = priming ? priming.heapKb : freshHeapKb;
const baselineHeldKb = priming ? priming.heldKb : freshHeldKb;
status(`baseline RSS ${baselineKb} kB, live heap ${baselineHeapKb} kB, held ${baselineHeldKb} kB`);

const rounds = [];
for (let round = 1; round <= roundCount && !crashed && !aborted; round++) {
  rounds.push(await runLoads(`round-${round}`, "loads", roundLoadS, Math.round(cycles / roundCount)));
}
await scrape("final");
const controlSummary = await control.stop();
phase = "stopping";
clearInterval(ticker);
const exit = await server.stop();
lag.disable();
const scan = await scanLog(logFile);
if (!opt["keep-data"]) fs.rmSync(dataDir, { recursive: true, force: true });

const rss = { freshKb, freshHeapKb, primed: Boolean(priming), baselineKb, baselineHeapKb, baselineHeldKb, afterRoundsKb: rounds.map((r) => r.kb), afterRoundsHeapKb: rounds.map((r) => r.heapKb), afterRoundsHeldKb: rounds.map((r) => r.heldKb), peakKb: samples.length ? Math.max(...samples.map((s) => s.kb)) : null };
const list = checks({ exit, crashed, scan, rss, control: controlSummary, rounds, aborted });
report(out, list, {
  binary, minutes: Number(opt.minutes), phases: { warmupS, primeS, roundLoadS, roundSettleS }, roundCount, cycles, exit, crashed,
  aborted, priming, rss, log: scan, control: controlSummary, driverEventLoopMaxMs: Math.round(lag.max / 1e6), rounds,
  rssSamples: samples,
});
process.exit(list.every((c) => c.pass) ? 0 : 1);

function brief(stats) {
  return JSON.stringify(Object.fromEntries(Object.entries(stats).filter(([, v]) => typeof v === "number")));
}
