/** Measuring helpers: fixed-duration concurrent runs, percentiles, medians across rounds. */

export interface Throughput {
  /** operations (or events) per second over the run */
  perSecond: number;
  operations: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/**
 * Runs `operation` on `concurrency` workers for `durationMs` and counts `units` of work per call (events appended,
 * rows read). Every worker gets its own index so operations can use their own connection or stream.
 */
export async function runFor(
  durationMs: number,
  concurrency: number,
  operation: (worker: number, n: number) => Promise<number>,
): Promise<Throughput> {
  const latencies: number[] = [];
  let units = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        // not `units += await …`: that reads `units` before the await, and concurrent workers' units would be lost
        const done = await operation(worker, n);
        units += done;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: round(units / elapsed, 1),
    operations: latencies.length,
    p50Ms: round(percentile(latencies, 50), 3),
    p90Ms: round(percentile(latencies, 90), 3),
    p99Ms: round(percentile(latencies, 99), 3),
  };
}

/** Times `operation` `times` times, one after another; latencies in ms. */
export async function timeEach(times: number, operation: (n: number) => Promise<void>): Promise<{ p50Ms: number; p90Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  for (let n = 0; n < times; n++) {
    const t0 = performance.now();
    await operation(n);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: round(percentile(latencies, 50), 3), p90Ms: round(percentile(latencies, 90), 3), p99Ms: round(percentile(latencies, 99), 3) };
}

/** A seeded generator (mulberry32): every run asks for the same positions. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** p50, p99 and max of latency samples in ms, to `digits` decimals. */
export const latency = (samples: readonly number[], digits = 3) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: round(percentile(sorted, 50), digits), p99Ms: round(percentile(sorted, 99), digits), maxMs: round(sorted[sorted.length - 1]!, digits) };
};
