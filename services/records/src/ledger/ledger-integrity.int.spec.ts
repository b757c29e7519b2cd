import { mintToken } from '@gantry/auth';
import { EVENTS, SAMPLE_PAYLOADS, type EventName, type EventPayloads } from '@gantry/contracts';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { RecordsModule } from '../records.module';
import { ledgerLogPolicyFromEnv } from './ledger-log';
import { asSuperuser, rewriteAndRecompute } from './test-fixtures';

/**
 * GET /audit/deployments/:id says whether the history it answers verifies (`integrity`), on records as it runs over
 * real PostgreSQL: entries not yet checkpointed, then covered by the checkpoint a bundle asks for, then each attack of
 * a database superuser named at the entry it touched.
 */
const SECRET = 'records-integrity-secret-that-is-long-enough';
let database: TestDatabase;
let records: RunningProcess;
let token: string;

beforeAll(async () => {
  database = await createTestDatabase('gantry_records_integrity');
  records = await boot('records', {
    // checkpoints only when asked: at the 1000th entry, or for a bundle
    modules: (runtime) => [
      RecordsModule.register(runtime, { ledger: ledgerLogPolicyFromEnv({ ...process.env, GANTRY_LEDGER_CHECKPOINT_SECONDS: '0', GANTRY_LEDGER_CHECKPOINT_ENTRIES: '1000' }, runtime.config) }),
    ],
    env: { DATABASE_URL: database.url, PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });
  token = await mintToken(SECRET, { sub: 'auditor-1', roles: ['auditor'] });
}, 120_000);

afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

const get = async (path: string) => {
  const response = await fetch(`${records.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as any };
};

const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]>) => {
  const { service, type, topic } = EVENTS[name];
  const event = { specversion: '1.0', id: randomUUID(), source: `/gantry/${service}`, type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { ...SAMPLE_PAYLOADS[name], ...data } };
  await records.runtime.bus.produce(topic, [{ key: (data as { deploymentId?: string }).deploymentId ?? null, value: JSON.stringify(event), headers: {} }]);
};

/** A deployment from request to verification, recorded and closed. */
async function deployment(): Promise<string> {
  const deploymentId = randomUUID();
  const base = { deploymentId, changeId: `CHG-${deploymentId.slice(0, 8)}`, service: 'payments', environment: 'staging' };
  const window = { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() };
  await publish('DeploymentRequested', { ...base, window, requestedAt: new Date().toISOString(), kind: 'upgrade', releaseId: undefined });
  await publish('DeploymentPlanned', { ...base, window, model: null });
  await publish('DeploymentStarted', { deploymentId, startedAt: new Date().toISOString() });
  await publish('DeploymentExecuted', { deploymentId, executedAt: new Date().toISOString() });
  await publish('DeploymentVerified', { deploymentId, verifiedAt: new Date().toISOString() });
  await eventually(async () => (await get(`/audit/deployments/${deploymentId}`)).body?.projection?.phase === 'closed', { timeoutMs: 20_000, what: 'the deployment closed' });
  return deploymentId;
}

const historyOf = async (deploymentId: string) => (await get(`/audit/deployments/${deploymentId}`)).body as { integrity: Record<string, unknown>; history: { position: number; type: string }[] };
const positionOf = async (deploymentId: string, type: string) => (await historyOf(deploymentId)).history.find((h) => h.type === type)!.position;

it('entries newer than the latest checkpoint (the one the record\'s close made) are named as not yet checkpointed; once a bundle has a checkpoint made, the history verifies against it', async () => {
  const deploymentId = await deployment();
  const before = await historyOf(deploymentId);
  const positions = before.history.map((h) => h.position).sort((a, b) => a - b);
  // the record's close signed a checkpoint of the entries up to it (the report carries it); what followed is newer
  const closedAt = (before.integrity.checkpoint as { treeSize: number }).treeSize;
  expect(before.integrity).toEqual({ verified: true, checkpoint: { treeSize: closedAt, madeAt: expect.any(String) }, notCheckpointed: positions.filter((p) => p > closedAt), firstFailure: null });
  expect(positions.filter((p) => p > closedAt).length).toBeGreaterThan(0);

  const bundle = await get(`/audit/deployments/${deploymentId}/bundle`);
  expect(bundle.status).toBe(200);
  expect(bundle.body.treeSize).toBeGreaterThanOrEqual(positions.at(-1)!);
  const after = await historyOf(deploymentId);
  expect(after.integrity).toEqual({
    verified: true,
    checkpoint: { treeSize: expect.any(Number), madeAt: expect.any(String) },
    notCheckpointed: after.history.map((h) => h.position).filter((p) => p > (after.integrity.checkpoint as { treeSize: number }).treeSize).sort((a, b) => a - b),
    firstFailure: null,
  });
  expect((after.integrity.checkpoint as { treeSize: number }).treeSize).toBeGreaterThanOrEqual(bundle.body.treeSize);
});

describe('each attack of a database superuser is named at the entry it touched', () => {
  let deploymentId: string;
  let other: string;

  beforeAll(async () => {
    // the other first: an entry moved from it lies before this deployment's last folded entry, so the history shows it
    other = await deployment();
    deploymentId = await deployment();
    expect((await get(`/audit/deployments/${deploymentId}/bundle`)).status).toBe(200);
  }, 60_000);

  /** Runs the attack, reads the history, and puts the entry back as it was. */
  async function attacked(position: number, attack: string): Promise<Record<string, unknown>> {
    const original = (await records.runtime.db.query(`SELECT deployment_id, event_type, event FROM records.ledger WHERE position = $1`, [position])).rows[0];
    await asSuperuser(records.runtime.db, (tx) => tx.query(attack, [position]));
    try {
      return (await historyOf(deploymentId)).integrity;
    } finally {
      await asSuperuser(records.runtime.db, (tx) =>
        tx.query(`UPDATE records.ledger SET deployment_id = $2, event_type = $3, event = $4 WHERE position = $1`, [position, original.deployment_id, original.event_type, original.event]),
      );
      expect((await historyOf(deploymentId)).integrity).toMatchObject({ verified: true, firstFailure: null });
    }
  }

  it('an edited payload', async () => {
    const verified = await positionOf(deploymentId, EVENTS.DeploymentVerified.type);
    expect(await attacked(verified, `UPDATE records.ledger SET event = jsonb_set(event, '{data,verifiedAt}', '"2020-01-01T00:00:00.000Z"') WHERE position = $1`)).toMatchObject({
      verified: false,
      firstFailure: { position: verified, reason: 'its bytes do not hash to the hash stored with it: it was changed after it was recorded' },
    });
  });

  it("another deployment's entry moved into this one, and an entry given another type", async () => {
    const moved = await positionOf(other, EVENTS.DeploymentStarted.type);
    expect(await attacked(moved, `UPDATE records.ledger SET deployment_id = '${deploymentId}' WHERE position = $1`)).toMatchObject({ verified: false, firstFailure: { position: moved } });
    const planned = await positionOf(deploymentId, EVENTS.DeploymentPlanned.type);
    expect(await attacked(planned, `UPDATE records.ledger SET event_type = 'gantry.x.Nothing.v1', event = jsonb_set(event, '{type}', '"gantry.x.Nothing.v1"') WHERE position = $1`)).toMatchObject({
      verified: false,
      firstFailure: { position: planned },
    });
  });

  it('an entry rewritten with its hash recomputed is not in the tree the checkpoint signed', async () => {
    const executed = await positionOf(deploymentId, EVENTS.DeploymentExecuted.type);
    await rewriteAndRecompute(records.runtime.db, 'records', executed);
    const integrity = (await historyOf(deploymentId)).integrity;
    const first = (await historyOf(deploymentId)).history.map((h) => h.position).sort((a, b) => a - b)[0]!;
    // the rewritten subtrees lie on every entry's path to the signed root: from the first entry, none verifies
    expect(integrity).toMatchObject({ verified: false, firstFailure: { position: first, reason: expect.stringMatching(/^its bytes are not in the tree the checkpoint of size \d+ signed$/) } });
  });
});
