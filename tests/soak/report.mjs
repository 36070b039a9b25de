// The soak's verdict: one PASS/FAIL line per check with its figure, printed as a table and
// written with every measurement to <out>/summary.json.
import fs from "node:fs";
import path from "node:path";

const mb = (kb) => (kb == null ? "n/a" : `${(kb / 1024).toFixed(1)} MB`);

export function checks({ exit, crashed, scan, rss, control, loads, aborted }) {
  const list = [];
  const add = (name, pass, figure) => list.push({ name, pass, figure });
  const how = exit ? (exit.signal ?? `code ${exit.code}`) : "unknown";
  add("exit status 0 after SIGTERM", !crashed && exit?.code === 0 && !exit.hung,
    crashed ? `died on its own (${how}) during ${crashed.phase}, ${crashed.atS} s in` : `${exit?.hung ? "hung, killed; " : ""}${how}`);
  add("no sanitizer report", scan.sanitizerReports === 0, `${scan.sanitizerReports} report lines${scan.firstReports[0] ? `: ${scan.firstReports[0]}` : ""}`);
  add("control: every event within 1 s", !control.connectError && control.sent > 0 && control.late === 0,
    `${control.connectError ? `first connection failed (${control.connectError}); ` : ""}${control.onTime}/${control.sent} on time, ${control.missing} missing, ${control.emitFailures} emit failures; ` +
    `p50 ${control.p50Ms} ms, p99 ${control.p99Ms} ms, max ${control.maxMs} ms; ${control.disconnects.length} disconnects`);
  const delta = rss.finalKb && rss.baselineKb ? (rss.finalKb / rss.baselineKb - 1) * 100 : null;
  add("RSS back within 10% of baseline", delta !== null && Math.abs(delta) <= 10,
    `baseline ${mb(rss.baselineKb)}, final ${mb(rss.finalKb)} (${delta === null ? "n/a" : `${delta >= 0 ? "+" : ""}${delta.toFixed(1)}%`}), ` +
    `peak ${mb(rss.peakKb)}, settled in ${rss.settleS} s (${rss.sessionsLeft} Engine.IO sessions left)`);
  add("log under 50 MB", scan.size < 50 * 1024 * 1024, `${(scan.size / 1024 / 1024).toFixed(2)} MB`);
  const revoked = loads["revoked-tokens"];
  if (revoked) {
    const within = revoked.delaysMs?.length ?? 0;
    const all = revoked.revoked ?? 0;
    add("revoked sockets disconnected within 5 s", all > 0 && within === all,
      `${within}/${all}${within ? `, delays ${Math.min(...revoked.delaysMs)}..${Math.max(...revoked.delaysMs)} ms` : ""}`);
  }
  const cycles = loads["connect-cycles"];
  if (cycles) {
    add("connect/disconnect cycles completed", (cycles.completed ?? 0) >= cycles.target,
      `${cycles.completed ?? 0}/${cycles.target}, slowest connect ${cycles.slowestConnectMs} ms`);
  }
  const crashedLoads = Object.entries(loads).filter(([, stats]) => stats.crashed).map(([name]) => name);
  add("every load ran to the end", !aborted && crashedLoads.length === 0,
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
