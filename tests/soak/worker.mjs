// Runs one load (loads/<name>.mjs) in its own process, forked by loads.mjs with its context in
// SOAK_LOAD (JSON). Its counters go to the parent every second; the message "stop" ends it.
const ctx = { ...JSON.parse(process.env.SOAK_LOAD), stats: {}, stopping: false };
process.on("message", (message) => {
  if (message === "stop") ctx.stopping = true;
});
process.on("disconnect", () => process.exit(1));  // the driver is gone: no orphan floods
const report = setInterval(() => process.send({ stats: ctx.stats }), 1000);
try {
  const { default: run } = await import(`./loads/${ctx.name}.mjs`);
  await run(ctx);
} catch (err) {
  ctx.stats.crashed = String(err?.stack ?? err);
}
clearInterval(report);
process.send({ stats: ctx.stats, done: true }, () => process.exit(0));
