// The server under soak: `switchboard serve` on the dev config, a free port and a fresh data
// directory, its stdout and stderr in one log file. Readiness is /healthz answering; the end is
// SIGTERM to its pid.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { sleep } from "./kit.mjs";

// Polls `probe` every 50 ms until it returns a value other than undefined; throws after `timeoutMs`.
async function until(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function startServer({ binary, config, dataDir, logFile }) {
  const fd = fs.openSync(logFile, "a");
  // The hostile loads come from 127.0.0.2 and up: loopback, which the per-address limits exempt by
  // default (a local proxy's); the soak holds them to the limits a remote client meets.
  const args = ["serve", "--config", config, "--set", "server.port=0", "--set", `server.data_dir=${dataDir}`,
                "--set", "limits.exempt_loopback=false",
                // Every kind of client at once: msgpack and JSON, Engine.IO v3, the Admin UI reporting every event.
                "--set", "server.parser=msgpack", "--set", "engine.allow_eio3=true", "--set", "admin.enabled=true",
                "--set", "admin.mode=development"];
  // ASan keeps freed memory in a quarantine (256 MB by default) and its size classes: a smaller
  // quarantine and a release to the OS every second let RSS fall back when the load stops, as
  // the check against the baseline expects. Use-after-free detection keeps the last 16 MB freed.
  const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? "quarantine_size_mb=16:allocator_release_to_os_interval_ms=1000" };
  const child = spawn(binary, args, { stdio: ["ignore", fd, fd], env });
  fs.closeSync(fd);
  const server = { pid: child.pid, exit: null };
  server.exited = new Promise((resolve) => child.once("exit", (code, signal) => {
    server.exit = { code, signal, at: Date.now() };
    resolve(server.exit);
  }));
  const alive = () => {
    if (server.exit) throw new Error(`the server exited (${server.exit.code ?? server.exit.signal}) while starting; see ${logFile}`);
  };
  const port = await until(() => {
    alive();
    return /listening on (\d+)/.exec(fs.readFileSync(logFile, "utf8"))?.[1];
  }, 60_000, "the server's port");
  server.base = `http://127.0.0.1:${port}`;
  await until(async () => {
    alive();
    const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    return res?.status === 200 ? true : undefined;
  }, 60_000, "/healthz");
  server.stop = async () => {
    if (server.exit) return server.exit;
    child.kill("SIGTERM");
    const timeout = sleep(30_000).then(() => null);
    if (await Promise.race([server.exited, timeout])) return server.exit;
    child.kill("SIGKILL");
    await server.exited;
    return { ...server.exit, hung: true };
  };
  return server;
}

// The resident set of process `pid` in kB (VmRSS), or null once it is gone.
export function rssKb(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) || null;
  } catch {
    return null;
  }
}

// ASan's x86-64 layout: the shadow memory, and the primary allocator's region, which keeps freed
// chunks (the quarantine, its size classes) resident after the server let go of them.
const asanShadow = [0x7fff8000n, 0x10007fff8000n];
const asanAllocator = [0x600000000000n, 0x640000000000n];

// The memory process `pid` holds, in kB: VmRSS less the resident pages of ASan's shadow and of its
// allocator's region, plus the live heap (`liveHeapKb`, the allocator's own count of what is
// allocated); without ASan's allocator in the process, VmRSS itself. Large blocks that ASan maps
// outside its region count twice (in VmRSS and in the live heap): the figure errs high.
export function heldKb(pid, liveHeapKb) {
  let smaps;
  try {
    smaps = fs.readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  const rss = rssKb(pid);
  let shadow = 0;
  let allocator = 0;
  let start = 0n;
  for (const line of smaps.split("\n")) {
    const range = /^([0-9a-f]+)-[0-9a-f]+ /.exec(line);
    if (range) {
      start = BigInt(`0x${range[1]}`);
      continue;
    }
    const resident = /^Rss:\s+(\d+) kB/.exec(line);
    if (!resident) continue;
    if (start >= asanShadow[0] && start < asanShadow[1]) shadow += Number(resident[1]);
    else if (start >= asanAllocator[0] && start < asanAllocator[1]) allocator += Number(resident[1]);
  }
  if (!rss || allocator === 0) return rss;
  return rss - shadow - allocator + (liveHeapKb ?? 0);
}

const sanitizer = /ERROR: (Address|Leak|Thread|Memory|UndefinedBehavior)Sanitizer|Sanitizer: CHECK failed|runtime error:/;

// The log's size and its sanitizer reports (the first few lines of them), read in chunks.
export async function scanLog(logFile) {
  const { size } = fs.statSync(logFile);
  const reports = [];
  let count = 0;
  let tail = "";
  for await (const chunk of fs.createReadStream(logFile, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const lines = (tail + chunk).split("\n");
    tail = lines.pop();
    for (const line of lines) {
      if (!sanitizer.test(line)) continue;
      count++;
      if (reports.length < 5) reports.push(line.slice(0, 300));
    }
  }
  if (sanitizer.test(tail)) count++;
  return { size, sanitizerReports: count, firstReports: reports };
}
