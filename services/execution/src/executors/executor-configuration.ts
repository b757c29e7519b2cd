import { ConfigurationError, webhookAllowedHosts, type Clock } from '@gantry/platform';
import { PullExecutor, type AgentSteps, type PullExecutorConfig } from '../agents';
import type { Executor, Executors } from '../runs';
import { ManualExecutor, type ManualExecutorConfig } from './manual-executor';
import { SimulatedExecutor, type SimulatedExecutorConfig } from './simulated-executor';
import { WebhookExecutor, type WebhookExecutorConfig } from './webhook-executor';

export type ExecutorConfig = SimulatedExecutorConfig | WebhookExecutorConfig | ManualExecutorConfig | PullExecutorConfig;

/**
 * GANTRY_EXECUTORS: which executor runs the steps of each environment, and how transient errors are retried.
 * `{"default": {"type": "simulated"}, "environments": {"production": {"type": "webhook", "url": "...", "secret": "..."},
 *   "edge": {"type": "pull", "leaseSeconds": 30}},
 *   "retries": 3, "retryBackoffMs": 200}`. Unset: the simulated executor everywhere.
 */
export interface ExecutorsConfig {
  default: ExecutorConfig;
  environments: Record<string, ExecutorConfig>;
  /** transient errors asked again this many times (with the same key) before the step fails `ExecutorUnavailable` */
  retries: number;
  retryBackoffMs: number;
  /** host[:port] of every URL the webhook executor may call (GANTRY_WEBHOOK_ALLOWED_HOSTS) */
  allowedHosts: string[];
  /** how often unfinished runs are looked at (GANTRY_RUN_SWEEP_MS, default 500) */
  sweepMs: number;
  /** how long a replica's lease on driving a run lasts unless renewed: a dead replica's runs wait this long (GANTRY_RUN_LEASE_MS, default 30 s) */
  leaseMs: number;
}

const fail = (message: string): never => {
  throw new ConfigurationError(`GANTRY_EXECUTORS: ${message}`);
};

function executorConfig(raw: unknown, where: string, allowedHosts: readonly string[]): ExecutorConfig {
  const c = raw as Record<string, unknown>;
  if (typeof c !== 'object' || c === null) return fail(`${where} must be an object`);
  switch (c.type) {
    case 'simulated': {
      const rules = c.rules ?? [];
      if (!Array.isArray(rules) || rules.some((r) => typeof r?.label !== 'string' || !/^[^=]+=.+$/.test(r.label))) fail(`${where}.rules must be a list of {label: "key=value", durationMs?, fail?, steps?}`);
      return { type: 'simulated', durationMs: Number(c.durationMs ?? 0), rules: rules as SimulatedExecutorConfig['rules'] };
    }
    case 'webhook': {
      let url: URL | undefined;
      try {
        url = new URL(String(c.url));
      } catch {
        fail(`${where}.url is not a URL`);
      }
      if (!/^https?:$/.test(url!.protocol)) fail(`${where}.url must be http(s)`);
      if (!allowedHosts.includes(url!.host)) fail(`${where}.url: ${url!.host} is not on GANTRY_WEBHOOK_ALLOWED_HOSTS`);
      if (typeof c.secret !== 'string' || c.secret.length < 32) fail(`${where}.secret must be at least 32 characters`);
      return { type: 'webhook', url: url!.toString(), secret: c.secret as string, timeoutMs: Number(c.timeoutMs ?? 10_000), replayWindowSeconds: Number(c.replayWindowSeconds ?? 300) };
    }
    case 'manual':
      return { type: 'manual', ...(typeof c.role === 'string' ? { role: c.role } : {}) };
    case 'pull': {
      const leaseSeconds = Number(c.leaseSeconds ?? 30);
      if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > 3600) fail(`${where}.leaseSeconds must be a whole number of seconds from 1 to 3600`);
      return { type: 'pull', leaseSeconds };
    }
    default:
      return fail(`${where}.type must be simulated, webhook, manual or pull`);
  }
}

const whole = (raw: unknown, name: string, fallback: number): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigurationError(`${name} must be a non-negative integer, got "${String(raw)}"`);
  return n;
};

/** Reads GANTRY_EXECUTORS, GANTRY_WEBHOOK_ALLOWED_HOSTS and GANTRY_RUN_SWEEP_MS; a bad value stops the service at boot. */
export function executorsFromEnv(env: NodeJS.ProcessEnv): ExecutorsConfig {
  const allowedHosts = webhookAllowedHosts(env);
  let raw: Record<string, unknown> = {};
  if (env.GANTRY_EXECUTORS) {
    try {
      raw = JSON.parse(env.GANTRY_EXECUTORS);
    } catch {
      fail('is not JSON');
    }
  }
  const environments = (raw.environments ?? {}) as Record<string, unknown>;
  return {
    default: raw.default ? executorConfig(raw.default, 'default', allowedHosts) : { type: 'simulated' },
    environments: Object.fromEntries(Object.entries(environments).map(([name, c]) => [name, executorConfig(c, `environments.${name}`, allowedHosts)])),
    retries: whole(raw.retries, 'GANTRY_EXECUTORS.retries', 3),
    retryBackoffMs: whole(raw.retryBackoffMs, 'GANTRY_EXECUTORS.retryBackoffMs', 200),
    allowedHosts,
    sweepMs: whole(env.GANTRY_RUN_SWEEP_MS, 'GANTRY_RUN_SWEEP_MS', 500) || 500,
    leaseMs: whole(env.GANTRY_RUN_LEASE_MS, 'GANTRY_RUN_LEASE_MS', 30_000) || 30_000,
  };
}

/** The executors, one per environment as configured. */
export class ExecutorDirectory implements Executors {
  private readonly built = new Map<string, Executor>();

  constructor(
    readonly config: ExecutorsConfig,
    /** the process's clock: the time webhook requests are signed with */
    private readonly clock: Clock,
    /** where the pull executor offers steps to agents */
    private readonly agentSteps?: AgentSteps,
  ) {}

  configFor(environment: string): ExecutorConfig {
    return this.config.environments[environment] ?? this.config.default;
  }

  executorFor(environment: string): Executor {
    const config = this.configFor(environment);
    let executor = this.built.get(environment);
    if (!executor) {
      executor = this.build(config);
      this.built.set(environment, executor);
    }
    return executor;
  }

  private build(config: ExecutorConfig): Executor {
    switch (config.type) {
      case 'webhook':
        return new WebhookExecutor(config, this.config.allowedHosts, this.clock);
      case 'manual':
        return new ManualExecutor(config);
      case 'pull':
        if (!this.agentSteps) throw new ConfigurationError('GANTRY_EXECUTORS: a pull executor needs the agents slice');
        return new PullExecutor(this.agentSteps);
      case 'simulated':
        return new SimulatedExecutor(config);
    }
  }
}
