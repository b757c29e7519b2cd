import type { FailureThreshold } from './findings';

/** When models are reviewed. */
export interface ReviewPolicy {
  /** an active model is due for review this many days after its publication or its last review */
  intervalDays: number;
  failureThreshold: FailureThreshold;
  /** how often the scheduler looks for models due for review */
  pollMs: number;
}

const DAY_MS = 86_400_000;
export const dueAfter = (from: string | Date, policy: ReviewPolicy): Date => new Date(new Date(from).getTime() + policy.intervalDays * DAY_MS);

const number = (env: NodeJS.ProcessEnv, name: string, fallback: number, valid: (n: number) => boolean, what: string): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!valid(value)) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
};

/** From GANTRY_REVIEW_INTERVAL_DAYS (90), GANTRY_REVIEW_FAILURE_WINDOW (10), GANTRY_REVIEW_FAILURE_SHARE (0.3), GANTRY_REVIEW_POLL_MS (60000). */
export function reviewPolicyFromEnv(env: NodeJS.ProcessEnv): ReviewPolicy {
  const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;
  return {
    intervalDays: number(env, 'GANTRY_REVIEW_INTERVAL_DAYS', 90, positiveInteger, 'a positive whole number of days'),
    failureThreshold: {
      window: number(env, 'GANTRY_REVIEW_FAILURE_WINDOW', 10, positiveInteger, 'a positive whole number of deployments'),
      share: number(env, 'GANTRY_REVIEW_FAILURE_SHARE', 0.3, (n) => n > 0 && n <= 1, 'a share between 0 (exclusive) and 1'),
    },
    pollMs: number(env, 'GANTRY_REVIEW_POLL_MS', 60_000, positiveInteger, 'a positive number of milliseconds'),
  };
}
