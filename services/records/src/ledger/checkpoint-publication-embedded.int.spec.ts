import { mintToken } from '@gantry/auth';
import { EVENTS, FEEDBACK_TOPICS, SAMPLE_PAYLOADS, TRANSPARENCY_TOPICS, type EventName, type EventPayloads } from '@gantry/contracts';
import type { IncomingMessage, Subscription } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { eventually } from '@gantry/testing';
import { generateKeyPair, parseVerifierKey, verifyCheckpoint, type VerifierKey } from '@gantry/transparency-log';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordsModule } from '../records.module';

/**
 * The embedded default's engines (PGlite and the in-process bus): records publishes its checkpoints on the in-process
 * gantry.ledger.checkpoints.v1 and into the checkpoint directory, the report carries one, and the ledger does not
 * take the checkpoints in.
 */
const origin = 'records.test/embedded';
const SECRET = 'records-embedded-secret-long-enough-1';
let dir: string;
let vkey: VerifierKey;
let records: RunningProcess;
const subscriptions: Subscription[] = [];
const checkpoints: { key: string | null; data: EventPayloads['LedgerCheckpointSigned'] }[] = [];
const reports: EventPayloads['ChangeImplementationReported'][] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'checkpoint-publication-embedded-'));
  const key = generateKeyPair(origin);
  writeFileSync(join(dir, 'key'), key.signingKey);
  const parsed = parseVerifierKey(key.verifierKey);
  if (!parsed.ok) throw new Error(parsed.reason);
  vkey = parsed.value;
  records = await boot('records', {
    modules: (runtime) => [
      RecordsModule.register(runtime, {
        ledger: { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 1000, checkpointEverySeconds: 0 },
        checkpointDelivery: { directory: join(dir, 'checkpoints'), pollMs: 100 },
      }),
    ],
    env: { GANTRY_DATA_DIR: join(dir, 'data'), PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });
  expect(records.runtime.mode).toEqual({ database: 'embedded', bus: 'in-process' });
  const read = async (batch: IncomingMessage[]) => {
    for (const message of batch) {
      const { data } = JSON.parse(message.value!.toString());
      if (message.topic === TRANSPARENCY_TOPICS.ledgerCheckpoints) checkpoints.push({ key: message.key, data });
      else reports.push(data);
    }
  };
  subscriptions.push(await records.runtime.bus.subscribe({ group: 'auditor', topics: [TRANSPARENCY_TOPICS.ledgerCheckpoints, FEEDBACK_TOPICS.changeEnablement], fromBeginning: true }, read));
}, 120_000);

afterAll(async () => {
  for (const s of subscriptions) await s.close();
  await records?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]> & { deploymentId: string }) => {
  const { service, type, topic } = EVENTS[name];
  const event = { specversion: '1.0', id: randomUUID(), source: `/gantry/${service}`, type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { ...SAMPLE_PAYLOADS[name], ...data } };
  await records.runtime.bus.produce(topic, [{ key: data.deploymentId, value: JSON.stringify(event), headers: {} }]);
};

it('a closed deployment: its report carries the checkpoint made at the close, which the in-process topic and the directory get, and which the ledger does not take in', async () => {
  const deploymentId = randomUUID();
  const base = { deploymentId, changeId: 'CHG-embedded' };
  await publish('DeploymentRequested', { ...base, releaseId: undefined });
  await publish('DeploymentPlanned', base);
  await publish('DeploymentStarted', { deploymentId });
  await publish('DeploymentExecuted', { deploymentId });
  await publish('DeploymentVerified', { deploymentId });

  const report = await eventually(() => reports.find((r) => r.deploymentId === deploymentId), { timeoutMs: 60_000, what: 'the report to change enablement' });
  const opened = verifyCheckpoint(report.ledgerCheckpoint!, { origin, logKeys: [vkey] });
  if (!opened.ok) throw new Error(opened.reason);
  const size = opened.value.checkpoint.size;
  // the close made a checkpoint of the deployment's five entries, long before the 1,000 that make one by count
  expect(size).toBe(5);
  const published = await eventually(() => checkpoints.find((c) => c.data.treeSize === size), { what: `the checkpoint of size ${size} on the topic` });
  expect(published).toEqual({ key: origin, data: expect.objectContaining({ origin, note: report.ledgerCheckpoint, rootHash: Buffer.from(opened.value.checkpoint.root).toString('hex') }) });
  const file = join(dir, 'checkpoints', `${size}.checkpoint`);
  expect(await eventually(() => readFileSync(file, 'utf8'), { what: file })).toBe(report.ledgerCheckpoint);

  // records' own events come back into the ledger; the checkpoints' topic does not
  const db = records.runtime.db;
  await eventually(async () => (await db.query(`SELECT 1 FROM records.ledger WHERE event_type = $1`, [EVENTS.ChangeImplementationReported.type])).rowCount, { what: 'the report in the ledger' });
  expect((await db.query(`SELECT position FROM records.ledger WHERE topic = $1`, [TRANSPARENCY_TOPICS.ledgerCheckpoints])).rows).toEqual([]);

  // records' own store against the ledger: its checkpoint announcements are not events the ledger lacks
  const token = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
  const compared = await eventually(
    async () => {
      const body = (await (await fetch(`${records.url}/audit/sources/verify?service=records`, { headers: { authorization: `Bearer ${token}` } })).json()) as { notInLedger: { count: number } };
      return body.notInLedger.count === 0 && body;
    },
    { what: "records' own events all in the ledger" },
  );
  expect(compared).toMatchObject({ intact: true, mismatches: 0, missingFromStore: { count: 0 } });
  // and records' store verifies on its own, announcements included (their ids as the store reads them back)
  const store = await fetch(`${records.url}/event-stores/records/verify`, { headers: { authorization: `Bearer ${token}` } });
  expect(await store.json()).toMatchObject({ service: 'records', intact: true });
  const announced = await db.query(`SELECT count(*)::int AS n FROM records.events WHERE event_type = 'LedgerCheckpointSigned'`);
  expect(announced.rows[0]).toEqual({ n: 1 });
}, 90_000);
