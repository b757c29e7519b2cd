/** How `/health/live` answered while `flood` ran (another process's load), as a sentence for the log and figures to assert on. */
export interface HealthUnderLoad {
  /** ms, once before the flood */
  quiet: number;
  /** ms of each answer while the flood ran, in order */
  during: number[];
  median: number;
  /** the median, the 99th percentile and the slowest answers, for the log */
  summary: string;
}

/** Asks `/health/live` of `url` over and over while `flood` runs, each answer 200; resolves with the flood's result and the times. */
export async function healthWhile<T>(url: string, flood: () => Promise<T>): Promise<{ result: T; health: HealthUnderLoad }> {
  const health = async () => {
    const started = performance.now();
    const status = (await fetch(`${url}/health/live`)).status;
    if (status !== 200) throw new Error(`/health/live answered ${status}`);
    return performance.now() - started;
  };
  await health();
  const quiet = await health();
  let flooding = true;
  const running = flood().finally(() => (flooding = false));
  const during: number[] = [];
  while (flooding) during.push(await health());
  const result = await running;
  const sorted = [...during].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? NaN;
  const [median, p99] = [at(0.5), at(0.99)];
  const summary =
    `/health/live ${quiet.toFixed(1)} ms before, ${during.length} asked during: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
    `slowest ${sorted.slice(-3).reverse().map((ms) => ms.toFixed(1)).join(', ')} ms`;
  return { result, health: { quiet, during, median, summary } };
}
