import { randomUUID } from 'node:crypto';
import { EVENTS, SAMPLE_PAYLOADS, type EventName } from '@gantry/contracts';
import { EventStore, type Database } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { boot, consumersOf, messageContext } from '@gantry/platform';
import { RecordsModule, recordsSlices } from '@gantry/records';
import { ensureLedgerKey } from '../ledger-key';

/**
 * Closed deployment records as records keeps them after real lifecycles, written by records' own code: the other
 * services' events of each deployment go through the handler of records' ledger consumer (ledgered, projected, the
 * record closed when its outcome is known), and records' own events (DeploymentRecordClosed and the reports) come
 * back through its publisher and consumer, as on its topic. The sequences follow a real lifecycle of the embedded
 * default (23 ledger entries for a success); payloads are the contract's samples with each deployment's ids and
 * times, checked against the contract as the consumer checks every message.
 */
export interface RecordedDeployments {
  deploymentIds: string[];
  services: string[];
  environments: readonly string[];
  changeIds: string[];
  /** requestedAt of the first and the last deployment */
  requested: { from: string; to: string };
  ledgerEntries: number;
}

export const ENVIRONMENTS = ['development', 'test', 'staging', 'production'] as const;
const SERVICES = 200;
const DAY = 86_400_000;

type Ending = 'succeeded' | 'failed' | 'rolled-back' | 'rejected';
/** about one in eight deployments does not succeed: failures, rollbacks, rejections */
const endingOf = (n: number): Ending => (n % 100 < 88 ? 'succeeded' : n % 100 < 94 ? 'failed' : n % 100 < 98 ? 'rolled-back' : 'rejected');

interface Deployment {
  n: number;
  deploymentId: string;
  changeId: string;
  releaseId?: string;
  service: string;
  environment: string;
  requestedAt: number;
  ending: Ending;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The events the other practices' services publish about one deployment, in the order a real lifecycle ledgers them. */
function lifecycle(d: Deployment): { name: EventName; data: object }[] {
  const at = (minutes: number) => iso(d.requestedAt + minutes * 60_000);
  const window = { start: at(60), end: at(120) };
  const ids = { deploymentId: d.deploymentId };
  const plan = { ...SAMPLE_PAYLOADS.DeploymentPlanned, ...ids, changeId: d.changeId, service: d.service, environment: d.environment, window };
  const requested = { ...SAMPLE_PAYLOADS.DeploymentRequested, ...ids, changeId: d.changeId, releaseId: d.releaseId, service: d.service, environment: d.environment, window, requestedAt: at(0) };
  if (d.ending === 'rejected')
    return [
      { name: 'DeploymentRequested', data: requested },
      { name: 'DeploymentRejected', data: { ...SAMPLE_PAYLOADS.DeploymentRejected, ...ids, changeId: d.changeId, service: d.service, environment: d.environment, rejectedAt: at(0) } },
    ];
  const started: { name: EventName; data: object }[] = [
    { name: 'DeploymentWindowReserved', data: { ...SAMPLE_PAYLOADS.DeploymentWindowReserved, ...ids, service: d.service, environment: d.environment, window } },
    { name: 'DeploymentRequested', data: requested },
    { name: 'DeploymentPlanned', data: plan },
    { name: 'RunPrepared', data: { ...ids, plan: { ...plan, model: null } } },
    { name: 'DeploymentVerificationOpened', data: { ...SAMPLE_PAYLOADS.DeploymentVerificationOpened, ...ids, environment: d.environment, window } },
    { name: 'ComponentsVerified', data: { ...SAMPLE_PAYLOADS.ComponentsVerified, ...ids } },
    { name: 'TargetEnvironmentVerified', data: { ...ids, environment: d.environment } },
    { name: 'ReadinessConfirmed', data: { ...ids, readiness: 'components' } },
    { name: 'ReadinessConfirmed', data: { ...ids, readiness: 'environment' } },
    { name: 'DeploymentStarted', data: { ...ids, startedAt: at(60) } },
    { name: 'BackupTaken', data: { ...SAMPLE_PAYLOADS.BackupTaken, ...ids, takenAt: at(61) } },
    { name: 'WaveStarted', data: { ...SAMPLE_PAYLOADS.WaveStarted, ...ids } },
  ];
  const released = { name: 'DeploymentWindowReleased' as const, data: { ...ids, environment: d.environment } };
  const outcome = (value: string, closedAt: string) => ({ name: 'ModelOutcomeRecorded' as const, data: { ...SAMPLE_PAYLOADS.ModelOutcomeRecorded, ...ids, outcome: value, closedAt } });
  if (d.ending === 'failed')
    return [
      ...started,
      { name: 'TargetDeploymentFailed', data: { ...SAMPLE_PAYLOADS.TargetDeploymentFailed, ...ids, failedAt: at(63) } },
      { name: 'DeploymentFailed', data: { ...SAMPLE_PAYLOADS.DeploymentFailed, ...ids, failedAt: at(63) } },
      outcome('failed', at(64)),
      released,
    ];
  const executed = [
    ...started,
    { name: 'TargetDeployed' as const, data: { ...SAMPLE_PAYLOADS.TargetDeployed, ...ids } },
    { name: 'WaveCompleted' as const, data: { ...ids, wave: 1 } },
    { name: 'DeploymentExecuted' as const, data: { ...SAMPLE_PAYLOADS.DeploymentExecuted, ...ids, executedAt: at(70) } },
    { name: 'AcceptanceEvaluationStarted' as const, data: { ...SAMPLE_PAYLOADS.AcceptanceEvaluationStarted, ...ids, startedAt: at(70), deadline: at(80) } },
    { name: 'CriterionEvaluated' as const, data: { ...SAMPLE_PAYLOADS.CriterionEvaluated, ...ids } },
  ];
  if (d.ending === 'rolled-back')
    return [
      ...executed,
      { name: 'DeploymentVerificationFailed', data: { ...SAMPLE_PAYLOADS.DeploymentVerificationFailed, ...ids, failedAt: at(75) } },
      { name: 'RollbackStarted', data: { ...SAMPLE_PAYLOADS.RollbackStarted, ...ids, reason: 'DeploymentVerificationFailed', startedAt: at(75) } },
      { name: 'TargetRolledBack', data: { ...SAMPLE_PAYLOADS.TargetRolledBack, ...ids, rolledBackAt: at(78) } },
      { name: 'RolledBack', data: { ...SAMPLE_PAYLOADS.RolledBack, ...ids, rolledBackAt: at(78) } },
      outcome('rolled-back', at(79)),
      released,
    ];
  return [
    ...executed,
    { name: 'DeploymentVerified', data: { ...SAMPLE_PAYLOADS.DeploymentVerified, ...ids, verifiedAt: at(76) } },
    { name: 'VerificationOutcomeReceived', data: { ...SAMPLE_PAYLOADS.VerificationOutcomeReceived, ...ids, check: 'deployment', verdict: 'pass', receivedAt: at(76) } },
    outcome('succeeded', at(77)),
    released,
  ];
}

/** What records itself publishes about a closed deployment (and ledgers when it comes back on its topic). */
const recordsOwnEvents = (d: Deployment) => (d.releaseId ? 3 : 2);

/**
 * Records `count` closed deployments, requested over the last 90 days, oldest first, in the database at `databaseUrl`
 * (records' schema created as records starts). Records runs in this process on the in-process bus meanwhile. The
 * other services' events go to the consumer's handler a transaction per `BATCH` deployments rather than one per
 * message: a message at a time, records ledgers about 300 events/s here, and 10,000 deployments would take 15 minutes.
 */
export async function recordDeployments(databaseUrl: string, count: number, log: (line: string) => void): Promise<RecordedDeployments> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`recording ${count} deployments: give a whole number of at least 1`);
  const records = await boot('records', {
    modules: (runtime) => [RecordsModule.register(runtime)],
    env: { DATABASE_URL: databaseUrl, PORT: '0', GANTRY_JWT_SECRET: 'records-fill-secret-long-enough-for-hs256', GANTRY_LEDGER_KEY_FILE: ensureLedgerKey() },
  });
  try {
    const ledger = consumersOf('records', recordsSlices(new EventStore(records.runtime.db, 'records'), records.runtime)).find((c) => c.name === 'records.ledger')!;
    const deployments = plannedDeployments(count);
    let expected = 0;
    const started = performance.now();
    for (let from = 0; from < deployments.length; from += BATCH) {
      const batch = deployments.slice(from, from + BATCH);
      const afterCommit: (() => void)[] = [];
      await records.runtime.db.transaction(async (tx) => {
        for (const d of batch) {
          const events = lifecycle(d);
          expected += events.length + recordsOwnEvents(d);
          for (const { name, data } of events) {
            const description = EVENTS[name];
            const event = cloudEvent(d, description.service, description.type, data);
            const invalid = ledger.validate?.(event);
            if (invalid) throw new Error(`the fill made an event against the contract: ${invalid}`);
            const message = { topic: description.topic, partition: 0, offset: '0', key: d.deploymentId, value: null, headers: {} };
            await ledger.handle(event, tx, messageContext('records', records.runtime.clock, event, message, (effect) => void afterCommit.push(effect)));
          }
        }
      });
      for (const effect of afterCommit) effect();
      if ((from + BATCH) % 1000 === 0) log(`  recorded ${from + BATCH} deployments in ${Math.round((performance.now() - started) / 1000)} s`);
    }
    const fed = performance.now();
    await ledgered(records.runtime.db, expected);
    // every record was rewritten once per entry: what autovacuum would have cleaned up and measured over 90 days
    // (this machine's PostgreSQL runs without autovacuum, and a planner without statistics picks other plans)
    await records.runtime.db.query('VACUUM (ANALYZE)');
    const seconds = (from: number, to = performance.now()) => Math.round((to - from) / 1000);
    log(`  ${count} deployments, ${expected} ledger entries in ${seconds(started)} s (the other services' events ${seconds(started, fed)} s, then records' own and VACUUM ${seconds(fed)} s)`);
    return {
      deploymentIds: deployments.map((d) => d.deploymentId),
      services: [...new Set(deployments.map((d) => d.service))],
      environments: ENVIRONMENTS,
      changeIds: deployments.map((d) => d.changeId),
      requested: { from: iso(deployments[0].requestedAt), to: iso(deployments[deployments.length - 1].requestedAt) },
      ledgerEntries: expected,
    };
  } finally {
    await records.stop();
  }
}

const BATCH = 50;

/** Waits until the ledger holds `expected` entries: records' own events come back through its publisher and consumer. */
async function ledgered(db: Database, expected: number): Promise<void> {
  const entries = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM records.ledger')).rows[0].n);
  let seen = await entries();
  let progressAt = Date.now();
  while (seen < expected) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await entries();
    if (now > seen) [seen, progressAt] = [now, Date.now()];
    else if (Date.now() - progressAt > 60_000) throw new Error(`records ledgered ${seen} of ${expected} entries and nothing more for a minute`);
  }
}

function plannedDeployments(count: number): Deployment[] {
  const first = Date.now() - 90 * DAY;
  const step = (90 * DAY - 3 * 3_600_000) / Math.max(1, count);
  return Array.from({ length: count }, (_, n) => ({
    n,
    deploymentId: randomUUID(),
    changeId: `CHG${String(n + 1).padStart(7, '0')}`,
    ...(n % 3 === 0 ? { releaseId: `REL-${iso(first + n * step).slice(0, 7)}` } : {}),
    service: `service-${(n * 7) % SERVICES}`,
    environment: ENVIRONMENTS[n % 10 < 2 ? 0 : n % 10 < 4 ? 1 : n % 10 < 6 ? 2 : 3],
    requestedAt: Math.round(first + n * step),
    ending: endingOf(n),
  }));
}

const cloudEvent = (d: Deployment, service: string, type: string, data: object): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: `/gantry/${service}`,
  type,
  subject: d.deploymentId,
  time: iso(d.requestedAt),
  datacontenttype: 'application/json',
  data,
  correlationid: d.deploymentId,
  actor: 'change-enablement@itsm',
});
