export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Exponential: initial, doubling per attempt (0-based), capped. */
export const backoffDelay = (attempt: number, { initialMs, maxMs }: Backoff): number => Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));

/** Waits `ms`, or less when `signal` aborts (it never rejects: the caller checks `signal.aborted`). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
