// The soak's verdict: one PASS/FAIL line per check with its figure, printed as a table and
// written with every measurement to <out>/summary.json.
import fs from "node:fs";
import path from "node:path";

const mb = (kb) => (kb == null ? "n/a" : `${(kb / 1024).toFixed(1)} MB`);

export function checks({ exit, crashed, scan, rss, control, rounds, aborted }) {
  const list = [];
  const add = (name, pass, figure) => list.push({ name, pass, figure });
  const how = exit ? (exit.signal ?? `code ${exit.code}`) : "unknown";
  add("exit status 0 after SIGTERM", !crashed && exit?.code === 0 && !exit.hung,
    crashed ? `died on its own (${how}) during ${crashed.phase}, ${crashed.atS} s in` : `${exit?.hung ? "hung, killed; " : ""}${how}`);
  add("no sanitizer report", scan.sanitizerReports === 0, `${scan.sanitizerReports} report lines${scan.firstReports[0] ? `: ${scan.firstReports[0]}` : ""}`);
  add("control: every event within 1 s", !control.connectError && control.sent > 0 && control.late === 0,
    `${control.connectError ? `first connection failed (${control.connectError}); ` : ""}${control.onTime}/${control.sent} on time, ${control.missing} missing, ${control.emitFailures} emit failures; ` +
    `p50 ${control.p50Ms} ms, p99 ${control.p99Ms} ms, max ${control.maxMs} ms; ${control.disconnects.length} disconnects`);
  const first = rounds[0], last = rounds.at(-1);
  // What the server holds, not what ASan's allocator keeps of what it freed (server.mjs heldKb).
  const fromBaseline = rss.baselineHeldKb && last?.heldKb ? (last.heldKb / rss.baselineHeldKb - 1) * 100 : null;
  const rssChange = rss.baselineKb && last?.kb ? (last.kb / rss.baselineKb - 1) * 100 : null;
  const pct = (p) => (p === null ? "n/a" : `${p >= 0 ? "+" : ""}${p.toFixed(1)}%`);
  add("memory held after the loads within 10% of the baseline", fromBaseline !== null && fromBaseline <= 10,
    `held (RSS less ASan's shadow and free allocator pages, plus the live heap): baseline ${mb(rss.baselineHeldKb)}` +
    `${rss.primed ? " after priming" : ""}, after the last round ${mb(last?.heldKb)}: ${pct(fromBaseline)}; ` +
    `RSS ${mb(rss.baselineKb)}, then ${mb(last?.kb)}: ${pct(rssChange)}; ` +
    `live heap ${mb(rss.baselineHeapKb)}, then ${mb(last?.heapKb)}; fresh process ${mb(rss.freshKb)}`);
  // Held memory again (a leak grows it round after round); RSS beside it.
  const growth = rounds.length >= 2 && first.heldKb && last.heldKb ? (last.heldKb / first.heldKb - 1) * 100 : null;
  const rssGrowth = rounds.length >= 2 && first.kb && last.kb ? (last.kb / first.kb - 1) * 100 : null;
  const settled = rounds.map((r) => `${mb(r.heldKb)} held, ${mb(r.kb)} RSS (${r.settleS} s, ${r.sessionsLeft} sessions left)`).join("; ");
  add("memory held after the last round within 10% of the first", growth !== null && growth <= 10,
    `after each round ${settled}; held ${pct(growth)}, RSS ${pct(rssGrowth)}; peak RSS ${mb(rss.peakKb)}`);
  add("log under 50 MB", scan.size < 50 * 1024 * 1024, `${(scan.size / 1024 / 1024).toFixed(2)} MB`);
  const ofLoad = (name) => rounds.map((r) => r.loads[name]).filter(Boolean);
  const revoked = ofLoad("revoked-tokens");
  if (revoked.length) {
    const delays = revoked.flatMap((r) => r.delaysMs ?? []);
    const all = revoked.reduce((n, r) => n + (r.revoked ?? 0), 0);
    add("revoked sockets disconnected within 5 s", all > 0 && delays.length === all,
      `${delays.length}/${all}${delays.length ? `, delays ${Math.min(...delays)}..${Math.max(...delays)} ms` : ""}`);
  }
  const cycles = ofLoad("connect-cycles");
  if (cycles.length) {
    add("connect/disconnect cycles completed", cycles.every((c) => (c.completed ?? 0) >= c.target),
      cycles.map((c) => `${c.completed ?? 0}/${c.target}, slowest connect ${c.slowestConnectMs} ms`).join("; "));
  }
  const crashedLoads = rounds.flatMap((r, i) => Object.entries(r.loads).filter(([, stats]) => stats.crashed).map(([name]) => `${name} (round ${i + 1})`));
  add("every load ran to the end", !aborted && crashedLoads.length === 0 && rounds.length > 0,
    aborted ? `loads cut short: ${aborted}` : crashedLoads.length ? `crashed: ${crashedLoads.join(", ")}` : "yes");
  return list;
}

export function report(out, list, details) {
  const width = Math.max(...list.map((c) => c.name.length));
  console.log(`\n${"check".padEnd(width)}  result  figure`);
  for (const c of list) console.log(`${c.name.padEnd(width)}  ${c.pass ? "PASS  " : "FAIL  "}  ${c.figure}`);
  const file = path.join(out, "summary.json");
  fs.writeFileSync(file, `${JSON.stringify({ checks: list, ...details }, null, 2)}\n`);
  console.log(`\nsummary: ${file}`);
}
