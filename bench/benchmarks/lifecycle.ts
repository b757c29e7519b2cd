import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { mintToken } from '@gantry/auth';
import { authoriseComponents } from '../../e2e/support/authorised-components';
import { freePort, repoRoot, startIsolatedService, type GantryProcess } from '../../e2e/support/processes';
import { percentile, round } from '../measure';
import type { Benchmark, BenchmarkContext, BenchmarkResult } from '../benchmark';

/**
 * One deployment through the whole lifecycle, and many: the five services as separate processes on Kafka and
 * PostgreSQL, the simulated executor with no delay. Measured from `POST /deployments` to `DeploymentRecordClosed` on
 * records' topic, read by a plain Kafka consumer as another practice would. The broker is the run's own.
 */
const SECRET = 'bench-secret-long-enough-for-hs256-tokens';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const TARGETS = 1_000;
const run = promisify(execFile);

interface Installation {
  planning: GantryProcess;
  request(n: number): Promise<{ deploymentId: string; sentAt: number }>;
  closed: Map<string, number[]>;
  stop(): Promise<void>;
}

async function startBroker(): Promise<{ brokers: string; stop(): Promise<void> }> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: async () => undefined };
  const port = await freePort();
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_STATE_DIR: join(repoRoot, '.infra', `bench-${port}`) };
  await run('bash', [join(repoRoot, 'infra/kafka/start.sh')], { env, timeout: 180_000 });
  return {
    brokers: `127.0.0.1:${port}`,
    stop: async () => {
      await run('bash', [join(repoRoot, 'infra/kafka/stop.sh')], { env, timeout: 60_000 });
      rmSync(env.KAFKA_STATE_DIR, { recursive: true, force: true });
    },
  };
}

async function install(context: BenchmarkContext): Promise<Installation> {
  const broker = await startBroker();
  const processes: GantryProcess[] = [];
  try {
    return await installOn(context, broker, processes);
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    await broker.stop();
    throw error;
  }
}

async function installOn(context: BenchmarkContext, broker: { brokers: string; stop(): Promise<void> }, processes: GantryProcess[]): Promise<Installation> {
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;
  const started = await Promise.all(
    SERVICES.map((service) =>
      startIsolatedService(service, {
        databaseUrl: context.databaseUrl,
        brokers: broker.brokers,
        prefix,
        secret: SECRET,
        env: { GANTRY_RATE_LIMIT_PER_MINUTE: '0', GANTRY_EXECUTORS: JSON.stringify({ default: { type: 'simulated', durationMs: 0 } }), LOG_LEVEL: 'error' },
      }),
    ),
  );
  processes.push(...started);
  const byName = Object.fromEntries(processes.map((p) => [p.name, p])) as Record<(typeof SERVICES)[number], GantryProcess>;
  const manager = await mintToken(SECRET, { sub: 'bench.manager', roles: ['deployment-manager'] });
  const changeManager = await mintToken(SECRET, { sub: 'bench.change-enablement', roles: ['change-manager'] });
  await authoriseComponents(byName.verification.url, manager);
  const environment = {
    name: 'bench',
    kind: 'staging',
    position: 4,
    attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' } },
    targets: Array.from({ length: TARGETS }, (_, i) => ({ name: `bench-${i + 1}`, kind: 'host' })),
    timeZone: 'UTC',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
  };
  const registered = await fetch(`${byName.planning.url}/environments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` }, body: JSON.stringify(environment) });
  if (registered.status !== 201) throw new Error(`registering the environment answered ${registered.status}: ${await registered.text()}`);

  // another practice's view: DeploymentRecordClosed on records' topic
  const closed = new Map<string, number[]>();
  const kafka = new Kafka({ clientId: 'bench-observer', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${prefix}observer`, maxWaitTimeInMs: 50, minBytes: 1 });
  await consumer.connect();
  await consumer.subscribe({ topics: [`${prefix}gantry.records.v1`], fromBeginning: true });
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.FETCH, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString()) as { type: string; data: { deploymentId: string } };
      if (event.type === 'gantry.records.DeploymentRecordClosed.v1') closed.set(event.data.deploymentId, [...(closed.get(event.data.deploymentId) ?? []), Date.now()]);
    },
  });
  await ready;

  return {
    planning: byName.planning,
    closed,
    async request(n) {
      const target = (n % TARGETS) + 1;
      const sentAt = Date.now();
      const response = await fetch(`${byName.planning.url}/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${changeManager}` },
        body: JSON.stringify({
          changeId: `CHG${String(n).padStart(7, '0')}`,
          changeType: 'standard',
          changeState: 'authorised',
          adHoc: true,
          service: `bench-service-${n}`,
          kind: 'upgrade',
          components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: `sha256:${'ab'.repeat(32)}` }],
          environment: 'bench',
          targets: [`bench-${target}`],
          window: { start: new Date(sentAt - 60_000).toISOString(), end: new Date(sentAt + 3_600_000).toISOString() },
          acceptanceCriteria: [],
        }),
      });
      const body = (await response.json()) as { deploymentId?: string; status?: string; rejection?: unknown };
      if (response.status !== 201 || body.status !== 'planned') throw new Error(`request ${n} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
      return { deploymentId: body.deploymentId!, sentAt };
    },
    async stop() {
      await consumer.disconnect();
      await Promise.all(processes.map((p) => p.stop()));
      await broker.stop();
    },
  };
}

const waitFor = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
};

export const lifecycleLatency: Benchmark = {
  name: 'lifecycle-latency',
  title: 'one deployment through the whole lifecycle (five processes, Kafka, simulated executor without delay), one at a time',
  goal: 'p50 ≤ 250 ms, p99 ≤ 1 s',
  async run(context): Promise<BenchmarkResult> {
    const installation = await install(context);
    try {
      const latencies: number[] = [];
      const count = Number(process.env.BENCH_LIFECYCLES ?? 50);
      for (let n = 0; n < count + 3; n++) {
        const { deploymentId, sentAt } = await installation.request(n);
        if (!(await waitFor(() => installation.closed.has(deploymentId), 30_000))) throw new Error(`deployment ${n} did not close within 30 s`);
        if (n >= 3) latencies.push(installation.closed.get(deploymentId)![0] - sentAt); // the first three warm up
      }
      latencies.sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      context.log(`  ${count} lifecycles: p50 ${p50} ms, p90 ${percentile(latencies, 90)} ms, p99 ${p99} ms`);
      return {
        unit: 'ms from POST /deployments to DeploymentRecordClosed',
        measured: { lifecycle: { p50Ms: p50, p90Ms: percentile(latencies, 90), p99Ms: p99, deployments: count } },
        ratios: { 'p50 ms': p50, 'p99 ms': p99 },
        met: p50 <= 250 && p99 <= 1000,
      };
    } finally {
      await installation.stop();
    }
  },
};

export const lifecycleThroughput: Benchmark = {
  name: 'lifecycle-throughput',
  title: 'sustained full lifecycles on this machine (all five services, Kafka and PostgreSQL on the same 2 cores)',
  goal: '≥ 50 deployments/s, zero lost or duplicated',
  async run(context): Promise<BenchmarkResult> {
    const installation = await install(context);
    try {
      const rate = Number(process.env.BENCH_LIFECYCLE_RATE ?? 50);
      const seconds = Number(process.env.BENCH_LIFECYCLE_SECONDS ?? 20);
      const sent: { deploymentId: string; sentAt: number }[] = [];
      const refused: string[] = [];
      const started = Date.now();
      const inFlight: Promise<void>[] = [];
      for (let n = 0; Date.now() < started + seconds * 1000; n++) {
        const due = started + (n * 1000) / rate;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        inFlight.push(
          installation.request(1_000_000 + n).then(
            (r) => void sent.push(r),
            (error: Error) => void refused.push(error.message),
          ),
        );
      }
      await Promise.all(inFlight);
      if (refused.length > 0) context.log(`  ${refused.length} requests refused, e.g. ${refused[0]}`);
      const allClosed = await waitFor(() => sent.every((s) => installation.closed.has(s.deploymentId)), 180_000);
      const closes = sent.map((s) => installation.closed.get(s.deploymentId)?.[0]).filter((t): t is number => t !== undefined);
      const lost = sent.length - closes.length;
      const duplicated = sent.filter((s) => (installation.closed.get(s.deploymentId)?.length ?? 0) > 1).length;
      const elapsed = (Math.max(...closes) - started) / 1000;
      const perSecond = round(closes.length / elapsed, 1);
      const latencies = sent.map((s) => (installation.closed.get(s.deploymentId)?.[0] ?? NaN) - s.sentAt).filter(Number.isFinite).sort((a, b) => a - b);
      context.log(`  offered ${rate}/s for ${seconds} s: ${sent.length} requested, ${closes.length} closed in ${round(elapsed, 1)} s (${perSecond}/s), lost ${lost}, duplicated ${duplicated}; latency p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
      return {
        unit: 'deployments/s',
        measured: {
          sustained: { perSecond, refused: refused.length, requested: sent.length, closed: closes.length, lost, duplicated, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), offeredPerSecond: rate },
        },
        ratios: { 'closed per s': perSecond, lost, duplicated },
        met: allClosed && refused.length === 0 && perSecond >= 50 && lost === 0 && duplicated === 0,
      };
    } finally {
      await installation.stop();
    }
  },
};
