// Runs the codec micro-benchmarks side by side: switchboard's (Google Benchmark) and the same
// scenarios with the Node.js reference codecs, in one run on one machine. Prints a Markdown table.
// Usage: node bench/micro/compare.mjs [path/to/wire_bench]
import { execFileSync } from "node:child_process";
import os from "node:os";
import { scenarios } from "../reference/wire_reference.mjs";

const binary = process.argv[2] ?? "build/bin/wire_bench";
const minSeconds = 1;

function nodeNsPerOp(makeOp) {
  const op = makeOp();
  let sink;
  const deadline = (until) => process.hrtime.bigint() + BigInt(until * 1e9);
  for (const end = deadline(0.3); process.hrtime.bigint() < end;) sink = op();  // warm up the JIT
  let ops = 0;
  const start = process.hrtime.bigint();
  for (const end = deadline(minSeconds); process.hrtime.bigint() < end;) {
    for (let i = 0; i < 100; i++) sink = op();
    ops += 100;
  }
  globalThis.__sink = sink;
  return Number(process.hrtime.bigint() - start) / ops;
}

const report = JSON.parse(execFileSync(binary, ["--benchmark_format=json", `--benchmark_min_time=${minSeconds}`],
  { encoding: "utf8", maxBuffer: 1 << 24 }));
const cpp = Object.fromEntries(report.benchmarks.map((b) => [b.name, b.cpu_time]));

console.log(`Machine: ${os.cpus()[0].model}, ${os.cpus().length} cores; Node.js ${process.version}\n`);
console.log("| scenario | switchboard (ns/op) | Node.js reference (ns/op) | ratio |");
console.log("|---|---:|---:|---:|");
for (const [name, makeOp] of Object.entries(scenarios)) {
  const ref = nodeNsPerOp(makeOp);
  const ours = cpp[name];
  console.log(`| ${name} | ${ours.toFixed(0)} | ${ref.toFixed(0)} | ${(ref / ours).toFixed(1)}x |`);
}
