/** A named readiness check, e.g. `database: () => db.query('select 1')`. Resolves when healthy, throws when not. */
export type HealthCheck = () => Promise<unknown>;

export interface CheckResult {
  status: 'up' | 'down';
  durationMs: number;
  /** `timeout` or `error`; details go to the log, not to this public response */
  reason?: 'timeout' | 'error';
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

class CheckTimedOut extends Error {}

/** Runs every check at once, each bounded by the timeout. */
export async function runHealthChecks(
  checks: Record<string, HealthCheck>,
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
  onFailure: (name: string, error: unknown) => void = () => undefined,
): Promise<HealthReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(check),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new CheckTimedOut(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { status: 'up', durationMs: Math.round(performance.now() - started) }];
      } catch (error) {
        onFailure(name, error);
        const reason = error instanceof CheckTimedOut ? 'timeout' : 'error';
        return [name, { status: 'down', durationMs: Math.round(performance.now() - started), reason }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(results);
  return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'unavailable', checks: report };
}
