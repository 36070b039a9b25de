// What every load uses: counters, pauses that end early when the soak stops, and parallel
// loops that run until it stops. `ctx` is the load's context (see worker.mjs).

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Waits `ms`, or less once the soak stops.
export function pause(ctx, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const poll = setInterval(() => ctx.stopping && done(), 100);
    function done() { clearTimeout(timer); clearInterval(poll); resolve(); }
  });
}

export function count(ctx, key, n = 1) {
  ctx.stats[key] = (ctx.stats[key] ?? 0) + n;
}

// Runs `body(i)` over and over in `n` parallel loops until the soak stops; a throw is counted
// (by its message) and the loop goes on after a short pause.
export async function loops(ctx, n, body) {
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    while (!ctx.stopping) {
      try {
        await body(i);
      } catch (err) {
        count(ctx, `error: ${String(err?.message ?? err).slice(0, 80)}`);
        await pause(ctx, 200);
      }
    }
  }));
}
