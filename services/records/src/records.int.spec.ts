import { credentials, loadPackageDefinition, Metadata, status, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mintToken } from '@gantry/auth';
import { AUDIT_PROTO_PATH, EVENTS, FEEDBACK_TOPICS, INBOUND_TOPICS, ITSM_INCIDENT_EVENT_TYPES, SAMPLE_PAYLOADS, validatePayload, type EventName, type EventPayloads } from '@gantry/contracts';
import { deadLetterTopic, type IncomingMessage, type Subscription } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { leafHash, parseVerifierKey, verifyCheckpoint, verifyConsistency, verifyInclusion, type VerifierKey } from '@gantry/transparency-log';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerLogPolicyFromEnv } from './ledger';
import { RecordsModule } from './records.module';

/**
 * Records as it runs (REST over real PostgreSQL, the in-process bus of the embedded default): a scripted set of
 * deployments goes into the ledger as the other services and the service desk would publish it, and the audit list,
 * incidents, findings, satisfaction, KPIs and the rebuild are checked against numbers computed by hand.
 */
const SECRET = 'records-int-secret-that-is-long-enough';
let database: TestDatabase;
let records: RunningProcess;
const tokens: Record<string, string> = {};
const feedback: IncomingMessage[] = [];
const deadLetters: IncomingMessage[] = [];
const subscriptions: Subscription[] = [];


beforeAll(async () => {
  database = await createTestDatabase('gantry_records');
  records = await boot('records', {
    // the ledger's key from the test run's environment; a checkpoint every second
    modules: (runtime) => [RecordsModule.register(runtime, { ledger: ledgerLogPolicyFromEnv({ ...process.env, GANTRY_LEDGER_CHECKPOINT_SECONDS: '1' }, runtime.config) })],
    grpc: true,
    env: { DATABASE_URL: database.url, PORT: '0', GRPC_PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });
  for (const role of ['auditor', 'admin', 'service-owner', 'product-owner', 'deployment-manager'] as const) tokens[role] = await mintToken(SECRET, { sub: `${role}-1`, roles: [role] });
  const bus = records.runtime.bus;
  subscriptions.push(await bus.subscribe({ group: 'itsm-suite', topics: [FEEDBACK_TOPICS.changeEnablement], fromBeginning: true }, async (batch) => void feedback.push(...batch)));
  subscriptions.push(await bus.subscribe({ group: 'dlq-reader', topics: [deadLetterTopic(INBOUND_TOPICS.itsmIncidents)], fromBeginning: true }, async (batch) => void deadLetters.push(...batch)));
}, 120_000);

afterAll(async () => {
  for (const s of subscriptions) await s.close();
  await records?.stop();
  await database?.drop();
});

const api = async (method: string, path: string, role: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${records.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role]}`, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

/** The offline verifier (scripts/verify-ledger-export.js --bundle) on a bundle, with the log key as the auditor took it. */
const verifyBundleOffline = async (bundle: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'records-bundle-'));
  try {
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
    const vkey = (await api('GET', '/audit/log-key', 'auditor')).body.verifierKey as string;
    const run = spawnSync(process.execPath, [join(__dirname, '../../../scripts/verify-ledger-export.js'), '--bundle', join(dir, 'bundle.json'), '--vkey', vkey], { encoding: 'utf8' });
    return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const cloudEvent = (source: string, type: string, data: object, id = randomUUID()) => ({
  specversion: '1.0',
  id,
  source,
  type,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data,
});

/** Publishes a Gantry event as its service would, on its topic, with a payload valid against the contract. */
const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]>) => {
  const description = EVENTS[name];
  const event = cloudEvent(`/gantry/${description.service}`, description.type, { ...SAMPLE_PAYLOADS[name], ...data });
  await records.runtime.bus.produce(description.topic, [{ key: (data as { deploymentId?: string }).deploymentId ?? null, value: JSON.stringify(event), headers: {} }]);
  return event;
};

const publishIncident = async (name: keyof typeof ITSM_INCIDENT_EVENT_TYPES, data: object, id = randomUUID()) => {
  await records.runtime.bus.produce(INBOUND_TOPICS.itsmIncidents, [{ key: null, value: JSON.stringify(cloudEvent('/itsm/service-desk', ITSM_INCIDENT_EVENT_TYPES[name], data, id)), headers: {} }]);
};

/** Today (UTC) at a time: the scripted day, so that responses and findings given now fall in the same period. */
const today = new Date().toISOString().slice(0, 10);
const at = (hhmm: string) => `${today}T${hhmm}:00.000Z`;
const tomorrow = new Date(Date.parse(`${today}T00:00:00.000Z`) + 86_400_000).toISOString();

interface Script {
  service: string;
  /** default: production */
  environment?: string;
  commitTime?: string;
  model: { name: string; version: number } | null;
  requested: string;
  window: [string, string];
  started?: string;
  executed?: string;
  end: ['verified' | 'failed' | 'rolled-back', string];
  approvedBy?: string;
  /** a stage of a chained promotion: the chain is the one `first` (a script's name) began, else this one */
  chain?: { first?: string; stage: number; of: number; stages?: { environment: string; kind: 'test' | 'staging' | 'production' }[] };
}

const id: Record<string, string> = {};
const change: Record<string, string> = {};

async function deploy(name: string, script: Script) {
  const deploymentId = (id[name] = randomUUID());
  const changeId = (change[name] = `CHG-${name}-${deploymentId.slice(0, 8)}`);
  const window = { start: at(script.window[0]), end: at(script.window[1]) };
  const base = { deploymentId, changeId, service: script.service, environment: script.environment ?? 'production' };
  const chain = script.chain && { chain: { chainId: script.chain.first ? id[script.chain.first] : deploymentId, stage: script.chain.stage, of: script.chain.of, ...(script.chain.stages ? { stages: script.chain.stages } : {}) } };
  await publish('DeploymentRequested', { ...base, requestedAt: at(script.requested), window, kind: 'upgrade', releaseId: undefined, ...(script.commitTime ? { commitTime: at(script.commitTime) } : {}), ...chain });
  await publish('DeploymentPlanned', { ...base, window, model: script.model, ...chain });
  if (script.approvedBy) await publish('ApprovalGranted', { deploymentId, gate: 'production', by: script.approvedBy, role: 'deployment-manager', grantedAt: at(script.window[0]) });
  if (script.started) await publish('DeploymentStarted', { deploymentId, startedAt: at(script.started) });
  if (script.executed) await publish('DeploymentExecuted', { deploymentId, executedAt: at(script.executed) });
  const [end, time] = script.end;
  if (end === 'verified') await publish('DeploymentVerified', { deploymentId, verifiedAt: at(time) });
  if (end === 'failed') await publish('DeploymentFailed', { deploymentId, failedAt: at(time), reason: 'BackupFailed' });
  if (end === 'rolled-back') await publish('RolledBack', { deploymentId, rolledBackAt: at(time), reason: 'DeploymentVerificationFailed' });
}

const closed = (name: string) =>
  eventually(async () => (await api('GET', `/audit/deployments/${id[name]}`, 'auditor')).body?.projection?.phase === 'closed', { timeoutMs: 20_000, what: `${name} to close` });

const std = { name: 'standard-web', version: 3 };

describe('a scripted set of deployments', () => {
  beforeAll(async () => {
    // planning registered production as an environment of kind production: DORA's figures go by the kind
    await publish('EnvironmentRegistered', { name: 'production', kind: 'production' });
    await deploy('a', { service: 'payments', model: std, requested: '08:00', window: ['09:00', '10:00'], started: '09:00', executed: '09:30', end: ['verified', '09:40'], approvedBy: 'dana' });
    await deploy('b', { service: 'payments', model: null, requested: '08:30', window: ['10:00', '11:00'], started: '10:05', end: ['failed', '10:20'] });
    await deploy('c', { service: 'ledger', model: std, requested: '09:00', window: ['11:00', '12:00'], started: '11:10', executed: '11:30', end: ['rolled-back', '11:50'] });
    // starts after its window opened and ended
    await deploy('d', { service: 'payments', model: std, requested: '10:00', window: ['12:00', '13:00'], started: '13:10', executed: '13:20', end: ['verified', '13:30'] });
    await deploy('e', { service: 'ledger', model: std, requested: '11:00', window: ['14:00', '15:00'], started: '14:00', executed: '14:10', end: ['verified', '14:20'] });
    for (const name of ['a', 'b', 'c', 'd', 'e']) await closed(name);
  }, 60_000);

  it('lists deployment records newest first, filtered, a page at a time with a cursor', async () => {
    const first = await api('GET', '/audit/deployments?environment=production&limit=2', 'auditor');
    expect(first.status).toBe(200);
    expect(first.body.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([id.e, id.d]);
    const second = await api('GET', `/audit/deployments?environment=production&limit=2&cursor=${first.body.nextCursor}`, 'auditor');
    expect(second.body.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([id.c, id.b]);
    const third = await api('GET', `/audit/deployments?environment=production&limit=2&cursor=${second.body.nextCursor}`, 'auditor');
    expect(third.body).toMatchObject({ deployments: [{ deploymentId: id.a }], nextCursor: null });

    const payments = await api('GET', '/audit/deployments?service=payments&outcome=succeeded', 'auditor');
    expect(payments.body.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([id.d, id.a]);
    expect((await api('GET', `/audit/deployments?changeId=${change.c}`, 'auditor')).body.deployments).toMatchObject([{ deploymentId: id.c, outcome: 'rolled-back' }]);
    const requestedLate = await api('GET', `/audit/deployments?environment=production&from=${encodeURIComponent(at('09:30'))}&to=${encodeURIComponent(at('10:30'))}`, 'auditor');
    expect(requestedLate.body.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([id.d]);
    // below a `to` the page's positions are looked up by request time first: same order, same pages
    const before10 = await api('GET', `/audit/deployments?environment=production&to=${encodeURIComponent(at('10:00'))}&limit=2`, 'auditor');
    expect(before10.body.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([id.c, id.b]);
    const rest = await api('GET', `/audit/deployments?environment=production&to=${encodeURIComponent(at('10:00'))}&limit=2&cursor=${before10.body.nextCursor}`, 'auditor');
    expect(rest.body).toMatchObject({ deployments: [{ deploymentId: id.a }], nextCursor: null });
  });

  it.each([
    ['a cursor it never gave out', 'cursor=bm9wZQ', /cursor/],
    ['an unknown outcome', 'outcome=great', /outcome must be one of/],
    ['a time that is not one', 'from=yesterday', /from must be an ISO 8601 time/],
    ['from after to', `from=${encodeURIComponent(at('10:00'))}&to=${encodeURIComponent(at('09:00'))}`, /from must be before to/],
    ['a limit out of range', 'limit=1000', /limit/],
    ['an unknown filter', 'colour=red', /colour is not allowed/],
  ])('refuses %s with 400', async (_what, query, message) => {
    const response = await api('GET', `/audit/deployments?${query}`, 'auditor');
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(message);
  });

  it('incidents: a duplicate delivery is one incident, a link after the close corrects the report, an invalid message is dead-lettered', async () => {
    const incident = { incidentId: `INC-${id.e.slice(0, 8)}`, deploymentId: id.e, severity: 'high', openedAt: at('15:00') };
    const eventId = randomUUID();
    await publishIncident('IncidentLinked', incident, eventId);
    await publishIncident('IncidentLinked', incident, eventId);
    await publishIncident('IncidentLinked', { incidentId: `INC-${change.e}`, changeId: change.e, severity: 'medium', openedAt: at('16:00') });
    await publishIncident('IncidentResolved', { incidentId: incident.incidentId, resolvedAt: at('16:00') });
    await publishIncident('IncidentResolved', { incidentId: `INC-${change.e}`, resolvedAt: at('18:00') });
    const invalidId = randomUUID();
    await publishIncident('IncidentLinked', { incidentId: 'INC-nowhere', severity: 'high', openedAt: at('15:00') }, invalidId);

    const corrections = () =>
      feedback
        .map((m) => JSON.parse(m.value!.toString()))
        .filter((e) => e.type === EVENTS.ChangeImplementationCorrected.type && e.data.deploymentId === id.e)
        .map((e) => e.data);
    await eventually(() => corrections().some((c) => c.incidents.length === 2), { timeoutMs: 20_000, what: 'the corrected reports' });
    expect(corrections()).toEqual([
      expect.objectContaining({ changeId: change.e, closeCode: 'successful-with-issues', previousCloseCode: 'successful', incidents: [incident.incidentId] }),
      expect.objectContaining({ closeCode: 'successful-with-issues', previousCloseCode: 'successful-with-issues', incidents: [`INC-${change.e}`, incident.incidentId].sort() }),
    ]);
    await eventually(() => deadLetters.some((m) => m.value?.toString().includes(invalidId)), { what: 'the invalid incident on the DLQ' });
    const dead = deadLetters.find((m) => m.value?.toString().includes(invalidId))!;
    expect(JSON.stringify(dead.headers)).toMatch(/deploymentId or changeId is required/);
    const rows = await records.runtime.db.query<{ n: string }>(`SELECT count(*) AS n FROM records.incidents WHERE incident_id IN ($1, 'INC-nowhere')`, [incident.incidentId]);
    expect(rows.rows[0].n).toBe('1');
  });

  it('the auditor records findings; stakeholders answer satisfaction surveys; both refuse bad input and the wrong role', async () => {
    const finding = await api('POST', '/audit/findings', 'auditor', { deploymentId: id.b, severity: 'high', description: 'backup not verified before the run' });
    expect(finding).toMatchObject({ status: 201, body: { deploymentId: id.b, severity: 'high', recordedBy: 'auditor-1' } });
    expect((await api('POST', '/audit/findings', 'auditor', { deploymentId: id.c, severity: 'low', description: 'rollback evidence attached late' })).status).toBe(201);
    expect((await api('POST', '/audit/findings', 'auditor', { deploymentId: id.c, severity: 'dire', description: 'x' })).status).toBe(400);
    expect((await api('POST', '/audit/findings', 'auditor', { deploymentId: randomUUID(), severity: 'low', description: 'x' })).status).toBe(404);
    expect((await api('POST', '/audit/findings', 'service-owner', { deploymentId: id.c, severity: 'low', description: 'x' })).status).toBe(403);

    const key = { 'idempotency-key': randomUUID() };
    const first = await api('POST', '/satisfaction-responses', 'product-owner', { score: 4, topic: 'lead-time', deploymentId: id.a }, key);
    const retry = await api('POST', '/satisfaction-responses', 'product-owner', { score: 4, topic: 'lead-time', deploymentId: id.a }, key);
    expect(first.status).toBe(201);
    expect(retry.body.responseId).toBe(first.body.responseId);
    expect((await api('POST', '/satisfaction-responses', 'service-owner', { score: 2, topic: 'quality', deploymentId: id.b })).status).toBe(201);
    expect((await api('POST', '/satisfaction-responses', 'service-owner', { score: 5, topic: 'partner-alignment', period: { from: at('00:00'), to: tomorrow } })).status).toBe(201);
    expect((await api('POST', '/satisfaction-responses', 'service-owner', { score: 6, topic: 'quality' })).status).toBe(400);
    expect((await api('POST', '/satisfaction-responses', 'service-owner', { score: 3, topic: 'mood' })).status).toBe(400);
    expect((await api('POST', '/satisfaction-responses', 'auditor', { score: 3, topic: 'quality' })).status).toBe(403);

    await eventually(async () => (await api('GET', '/audit/findings', 'auditor')).body.findings.length === 2, { what: 'the findings in the ledger' });
    expect((await api('GET', `/audit/findings?severity=high`, 'auditor')).body.findings).toMatchObject([{ deploymentId: id.b, description: 'backup not verified before the run' }]);
  });

  it('KPIs equal the numbers computed by hand, with their contributors, and a rebuild from the ledger gives the same', async () => {
    // wait for what the previous test recorded to be back from records' topic
    await eventually(async () => Number((await records.runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM records.satisfaction_responses')).rows[0].n) === 3, { what: 'the responses' });
    await eventually(async () => Number((await records.runtime.db.query<{ n: string }>('SELECT count(*) AS n FROM records.incidents WHERE resolved_at IS NOT NULL')).rows[0].n) === 2, { what: 'the resolutions' });
    const query = `/kpis?period=day&from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(tomorrow)}&environment=production`;
    const live = await api('GET', query, 'auditor');
    expect(live.status).toBe(200);
    expect(live.body.periods).toHaveLength(1);
    const kpi = (name: string) => live.body.periods[0].kpis.find((k: { name: string }) => k.name === name);
    const sorted = (...names: string[]) => names.map((n) => id[n]).sort();
    // a, d, e succeeded; b failed; c rolled back
    expect(kpi('successful-deployments')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5, deployments: sorted('a', 'd', 'e'), definitionVersion: 1 });
    expect(kpi('deployment-failures')).toMatchObject({ value: 2, deployments: sorted('b', 'c'), breakdown: { 'DeploymentFailed: BackupFailed': { value: 1 }, 'RolledBack: DeploymentVerificationFailed': { value: 1 } } });
    // e has two incidents (one through its change) and counts once
    expect(kpi('incidents-related')).toMatchObject({ value: 2, deployments: [id.e] });
    expect(kpi('change-failure-rate')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5, deployments: sorted('b', 'c', 'e') });
    // lead times 100 (a), 210 (d), 200 (e) minutes
    expect(kpi('lead-time-p50')).toMatchObject({ value: 200 * 60_000, denominator: 3 });
    expect(kpi('lead-time-p90')).toMatchObject({ value: 210 * 60_000, denominator: 3 });
    expect(kpi('deployment-frequency')).toMatchObject({ value: 3 });
    // b → d: 190 min; c → e: 150 min; incidents: 60 and 120 min
    expect(kpi('time-to-restore')).toMatchObject({ value: 130 * 60_000, numerator: 520 * 60_000, denominator: 4, deployments: sorted('b', 'c', 'e') });
    // d started late; b never executed
    expect(kpi('schedule-adherence')).toMatchObject({ value: 0.75, deployments: sorted('a', 'c', 'e'), outOf: sorted('a', 'c', 'd', 'e') });
    expect(kpi('throughput')).toMatchObject({ value: 5 });
    // b was planned ad hoc
    expect(kpi('adoption')).toMatchObject({ value: 0.8, deployments: sorted('a', 'c', 'd', 'e') });
    // filtered to production: the responses about a (4) and b (2); the partner's period response is not about a deployment
    expect(kpi('satisfaction')).toMatchObject({ value: 3, numerator: 6, denominator: 2, deployments: sorted('a', 'b') });
    expect(kpi('audit-findings')).toMatchObject({ value: 2, breakdown: { high: { deployments: [id.b] }, low: { deployments: [id.c] } } });

    const before = await records.runtime.db.query('SELECT deployment_id, record, first_position, last_position FROM records.deployment_records ORDER BY deployment_id');
    expect((await api('POST', '/admin/projections/rebuild', 'auditor')).status).toBe(403);
    const rebuild = await api('POST', '/admin/projections/rebuild', 'admin');
    expect(rebuild.status).toBe(200);
    expect(rebuild.body.entries).toBeGreaterThan(30);
    const after = await records.runtime.db.query('SELECT deployment_id, record, first_position, last_position FROM records.deployment_records ORDER BY deployment_id');
    expect(after.rows).toEqual(before.rows);
    // the backlog's oldest open age is measured up to now, which has moved on since the first read
    const rebuilt = (await api('GET', query, 'auditor')).body.periods;
    const backlogAge = (periods: typeof rebuilt) => periods[0].kpis.find((k: { name: string }) => k.name === 'backlog').oldestOpenAgeMs;
    const elapsed = backlogAge(rebuilt) - backlogAge(live.body.periods);
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(60_000);
    const withoutAge = (periods: typeof rebuilt) => JSON.parse(JSON.stringify(periods), (key, value) => (key === 'oldestOpenAgeMs' ? undefined : value));
    expect(withoutAge(rebuilt)).toEqual(withoutAge(live.body.periods));
  });

  it('an environment as of a time names the deployment, its versions, and who approved', async () => {
    const state = await api('GET', `/audit/environments/production/state`, 'auditor');
    expect(state.status).toBe(200);
    expect(state.body.services).toMatchObject([
      { service: 'ledger', deploymentId: id.e, changeId: change.e },
      { service: 'payments', deploymentId: id.d, approvals: [] },
    ]);
    const history = await api('GET', `/audit/deployments/${id.a}`, 'auditor');
    const closedAt = history.body.history.find((h: { type: string }) => h.type === EVENTS.DeploymentRecordClosed.type);
    const ledgerTime = (await records.runtime.db.query<{ recorded_at: Date }>('SELECT recorded_at FROM records.ledger WHERE event_id = $1', [closedAt.id])).rows[0].recorded_at;
    const thenA = await api('GET', `/audit/environments/production/state?asOf=${encodeURIComponent(new Date(ledgerTime).toISOString())}`, 'auditor');
    expect(thenA.body.services.find((s: { service: string }) => s.service === 'payments')).toMatchObject({
      deploymentId: id.a,
      approvals: [{ gate: 'production', by: 'dana', role: 'deployment-manager' }],
      components: expect.arrayContaining([expect.objectContaining({ name: 'payments-api', version: '2.4.1' })]),
    });
  });

  it('the auditor reads everything in records', async () => {
    for (const path of ['/audit/digest', '/audit/verify', `/audit/deployments/${id.a}`, `/audit/deployments/${id.a}/state`, '/audit/findings', '/kpis/definitions', '/audit/deployments']) {
      expect([path, (await api('GET', path, 'auditor')).status]).toEqual([path, 200]);
    }
  });

  it("serves the key that signs the ledger's checkpoints, and checkpoints that verify with that key alone", async () => {
    const key = await api('GET', '/audit/log-key', 'auditor');
    expect(key).toMatchObject({ status: 200, body: { origin: 'gantry.local/ledger', verifierKey: expect.stringMatching(/^gantry\.local\/ledger\+[0-9a-f]{8}\+/), algorithm: 'ed25519' } });
    const vkey = parseVerifierKey(key.body.verifierKey);
    if (!vkey.ok) throw new Error(vkey.reason);
    const get = (path: string) => fetch(`${records.url}${path}`, { headers: { authorization: `Bearer ${tokens.auditor}` } });
    const head = (await api('GET', '/audit/digest', 'auditor')).body.position as number;
    const note = await eventually(
      async () => {
        const response = await get('/audit/checkpoint');
        const text = await response.text();
        const opened = response.status === 200 && verifyCheckpoint(text, { origin: 'gantry.local/ledger', logKeys: [vkey.value] });
        return opened && opened.ok && opened.value.checkpoint.size >= head && { text, response, size: opened.value.checkpoint.size };
      },
      { what: `a checkpoint of at least ${head} entries` },
    );
    expect(note.response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await (await get(`/audit/checkpoint?size=${note.size}`)).text()).toBe(note.text);
    expect((await api('GET', '/audit/checkpoints?limit=1000', 'auditor')).body.checkpoints).toContainEqual({ treeSize: note.size, madeAt: expect.any(String), note: note.text });
    expect(await api('GET', '/audit/verify', 'auditor')).toMatchObject({ status: 200, body: { intact: true, signedUpTo: expect.any(Number) } });
    expect(await api('GET', '/audit/checkpoint?size=0', 'auditor')).toMatchObject({ status: 400, body: { message: [expect.stringMatching(/size/)] } });
    expect(await api('GET', '/audit/checkpoint?size=9999999', 'auditor')).toMatchObject({ status: 404, body: { message: 'no checkpoint was made at tree size 9999999' } });
    expect(await api('GET', '/audit/checkpoints?limit=5000', 'auditor')).toMatchObject({ status: 400 });
    expect((await api('GET', '/audit/log-key', 'product-owner')).status).toBe(403);
  });

  describe('proofs an auditor verifies with the log key alone', () => {
    const hex = (text: string) => Buffer.from(text, 'hex');
    let vkey: VerifierKey;
    /** The signed checkpoint of a proof's answer, verified with the configured key: its root. */
    const rootOf = (note: string, size: number) => {
      const opened = verifyCheckpoint(note, { origin: 'gantry.local/ledger', logKeys: [vkey] });
      if (!opened.ok) throw new Error(opened.reason);
      expect(opened.value.checkpoint.size).toBe(size);
      return opened.value.checkpoint.root;
    };
    type Proven = { position: number; leafIndex: number; treeSize: number; leafHash: string; hashes: string[]; entry: string };
    const included = (proof: Proven, root: Uint8Array) => {
      expect(Buffer.from(leafHash(Buffer.from(proof.entry, 'utf8'))).toString('hex')).toBe(proof.leafHash);
      return verifyInclusion({ index: proof.leafIndex, size: proof.treeSize, leafHash: hex(proof.leafHash), proof: proof.hashes.map(hex), root });
    };

    beforeAll(async () => {
      const key = parseVerifierKey((await api('GET', '/audit/log-key', 'auditor')).body.verifierKey);
      if (!key.ok) throw new Error(key.reason);
      vkey = key.value;
      const head = (await api('GET', '/audit/digest', 'auditor')).body.position as number;
      await eventually(async () => (await api('GET', '/audit/checkpoints?limit=1000', 'auditor')).body.checkpoints.some((c: { treeSize: number }) => c.treeSize >= head), { what: 'a checkpoint of the whole ledger' });
    });

    it("an entry's inclusion proof leads from its bytes to the signed checkpoint's root", async () => {
      const { status, body } = await api('GET', '/audit/proofs/inclusion?position=3', 'auditor');
      expect(status).toBe(200);
      expect(body.entries).toHaveLength(1);
      expect(included(body.entries[0], rootOf(body.checkpoint, body.treeSize))).toEqual({ ok: true, value: true });
      expect(JSON.parse(body.entries[0].entry)).toMatchObject({ format: 2, position: 3 });
    });

    it("a deployment's bundle holds every entry with its bytes and inclusion proof, and one signed checkpoint: the offline verifier verifies it with the key alone", async () => {
      const { status, body } = await api('GET', `/audit/deployments/${id.a}/bundle`, 'auditor');
      expect(status).toBe(200);
      expect(body).toMatchObject({ format: 'gantry.deployment-bundle.v1', origin: 'gantry.local/ledger', deploymentId: id.a });
      const root = rootOf(body.checkpoint, body.treeSize);
      const history = (await api('GET', `/audit/deployments/${id.a}`, 'auditor')).body.history as { id: string }[];
      expect(body.entries.map((e: Proven) => JSON.parse(e.entry).sourceEventId).sort()).toEqual(history.map((h) => h.id).sort());
      for (const proof of body.entries) {
        expect(included(proof, root)).toEqual({ ok: true, value: true });
        expect(JSON.parse(proof.entry).deploymentId).toBe(id.a);
      }
      expect(await verifyBundleOffline(body)).toEqual({ status: 0, result: expect.objectContaining({ intact: true, deploymentId: id.a, checked: body.entries.length, treeSize: body.treeSize }) });
    });

    it('the audit read of a deployment says it verifies: every entry re-hashes and is in the tree of the latest signed checkpoint', async () => {
      const { body } = await api('GET', `/audit/deployments/${id.a}`, 'auditor');
      const latest = (await api('GET', '/audit/checkpoints?limit=1000', 'auditor')).body.checkpoints.at(-1) as { treeSize: number; madeAt: string };
      expect(body.integrity).toEqual({ verified: true, checkpoint: { treeSize: expect.any(Number), madeAt: expect.any(String) }, notCheckpointed: [], firstFailure: null });
      expect(body.integrity.checkpoint.treeSize).toBeLessThanOrEqual(latest.treeSize);
      expect(body.integrity.checkpoint.treeSize).toBeGreaterThanOrEqual(Math.max(...body.history.map((h: { position: number }) => h.position)));
    });

    it('two checkpoints are consistent: the later tree extends the earlier', async () => {
      const checkpoints = (await api('GET', '/audit/checkpoints?limit=1000', 'auditor')).body.checkpoints as { treeSize: number; note: string }[];
      const [older, newer] = [checkpoints[0]!, checkpoints[checkpoints.length - 1]!];
      const { status, body } = await api('GET', `/audit/proofs/consistency?from=${older.treeSize}&to=${newer.treeSize}`, 'auditor');
      expect(status).toBe(200);
      expect(body.checkpoints).toEqual({ from: older.note, to: newer.note });
      const verdict = older.treeSize === newer.treeSize
        ? { ok: true }
        : verifyConsistency({ olderSize: older.treeSize, olderRoot: rootOf(older.note, older.treeSize), newerSize: newer.treeSize, newerRoot: rootOf(newer.note, newer.treeSize), proof: body.hashes.map(hex) });
      expect(verdict).toMatchObject({ ok: true });
    });

    it('positions and sizes the tree does not have, and malformed values, are 404 and 400 with the reason, never 500', async () => {
      const size = (await api('GET', '/audit/digest', 'auditor')).body.position as number;
      const signed = new Set(((await api('GET', '/audit/checkpoints?limit=1000', 'auditor')).body.checkpoints as { treeSize: number }[]).map((c) => c.treeSize));
      const unsigned = [...Array(size).keys()].map((n) => n + 1).find((n) => !signed.has(n));
      expect(unsigned).toBeDefined();
      const cases: [string, number, unknown][] = [
        [`/audit/proofs/inclusion?position=${size + 100}`, 404, `the ledger has no entry at position ${size + 100}`],
        [`/audit/proofs/inclusion?position=3&treeSize=${size + 100}`, 400, [`the tree has ${size} entries, fewer than the size ${size + 100} asked for`]],
        ['/audit/proofs/inclusion?position=5&treeSize=4', 400, ['position 5 is not in the tree of 4 entries']],
        ['/audit/proofs/inclusion?position=0', 400, [expect.stringMatching(/position/)]],
        ['/audit/proofs/inclusion?position=abc', 400, [expect.stringMatching(/position/)]],
        ['/audit/proofs/inclusion?position=99999999999999999999', 400, [expect.stringMatching(/position/)]],
        ['/audit/proofs/inclusion', 400, [expect.stringMatching(/position/)]],
        ['/audit/proofs/inclusion?position=1&hack=1', 400, [expect.stringMatching(/hack/)]],
        ['/audit/proofs/consistency?from=5&to=3', 400, [expect.stringMatching(/cannot be a prefix/)]],
        [`/audit/proofs/consistency?from=1&to=${size + 1}`, 400, [`the tree has ${size} entries, fewer than the size ${size + 1} asked for`]],
        ['/audit/proofs/consistency?from=-1', 400, [expect.stringMatching(/from/)]],
        [`/audit/deployments/${randomUUID()}/bundle`, 404, expect.stringMatching(/^the ledger has no entry of deployment/)],
        [`/audit/deployments/${id.a}/bundle?treeSize=${size + 1}`, 400, [`the tree has ${size} entries, fewer than the size ${size + 1} asked for`]],
        [`/audit/deployments/${id.a}/bundle?treeSize=${unsigned}`, 404, expect.stringMatching(new RegExp(`^no checkpoint was made at tree size ${unsigned}`))],
        [`/audit/deployments/${id.a}/bundle?treeSize=0`, 400, [expect.stringMatching(/treeSize/)]],
        [`/audit/deployments/${encodeURIComponent('<script>')}/bundle`, 400, [expect.stringMatching(/is not a deployment id/)]],
      ];
      for (const [path, status, message] of cases) expect([path, await api('GET', path, 'auditor')]).toEqual([path, expect.objectContaining({ status, body: expect.objectContaining({ message }) })]);
      expect((await api('GET', '/audit/proofs/inclusion?position=1', 'product-owner')).status).toBe(403);
    });
  });

  describe('through gRPC AuditService, with a real client', () => {
    const AuditService = () => {
      const definition = loadSync(AUDIT_PROTO_PATH, { keepCase: false, longs: Number, defaults: false, oneofs: true });
      const gantry = (loadPackageDefinition(definition) as unknown as { gantry: { v1: Record<string, ServiceClientConstructor> } }).gantry.v1;
      return new gantry.AuditService(`127.0.0.1:${records.grpcPort}`, credentials.createInsecure());
    };
    const metadata = (role: string) => {
      const m = new Metadata();
      if (tokens[role]) m.set('authorization', `Bearer ${tokens[role]}`);
      return m;
    };
    const unary = (method: string, request: object, role = 'auditor') =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const client = AuditService();
        (client[method] as Function).call(client, request, metadata(role), (error: Error | null, response: Record<string, unknown>) => {
          client.close();
          // without the synthetic oneof (`_name`) proto-loader adds beside each proto3 optional field
          return error ? reject(error) : resolve(Object.fromEntries(Object.entries(response).filter(([key]) => !key.startsWith('_'))));
        });
      });

    it('answers history, state as of a time, environment as of a time and verification like REST', async () => {
      const history = await unary('GetDeploymentHistory', { deploymentId: id.a });
      expect(JSON.parse(history.stateJson as string)).toMatchObject({ deploymentId: id.a, outcome: 'succeeded', phase: 'closed' });
      const rest = await api('GET', `/audit/deployments/${id.a}`, 'auditor');
      expect((history.history as { id: string }[]).map((h) => h.id)).toEqual(rest.body.history.map((h: { id: string }) => h.id));

      const state = await unary('GetDeploymentStateAsOf', { deploymentId: id.b, asOf: '' });
      expect(JSON.parse(state.stateJson as string)).toMatchObject({ outcome: 'failed' });
      expect(state.ledgerPosition).toEqual(expect.any(Number));

      const environment = await unary('GetEnvironmentStateAsOf', { environment: 'production' });
      expect(environment.services).toMatchObject([{ service: 'ledger', deploymentId: id.e }, { service: 'payments', deploymentId: id.d, modelName: 'standard-web', modelVersion: 3 }]);

      const digest = (await api('GET', '/audit/digest', 'auditor')).body.digest;
      expect(await unary('VerifyLedger', { digest })).toMatchObject({ intact: true });
      expect(await unary('VerifyLedger', { from: 2, to: 5 })).toMatchObject({ intact: true, from: 2, to: 5, checked: 4 });
    });

    it("serves the log key, checkpoints, inclusion and consistency proofs and a deployment's bundle as REST does; the bundle verifies offline", async () => {
      expect(await unary('GetLogKey', {})).toEqual((await api('GET', '/audit/log-key', 'auditor')).body);
      const latest = await unary('GetCheckpoint', {});
      expect(await unary('GetCheckpoint', { size: latest.treeSize })).toEqual(latest);
      expect((await api('GET', `/audit/checkpoints?after=${(latest.treeSize as number) - 1}&limit=1`, 'auditor')).body.checkpoints).toEqual([latest]);

      const inclusion = await unary('GetInclusionProof', { position: 3 });
      expect(inclusion).toEqual((await api('GET', `/audit/proofs/inclusion?position=3&treeSize=${inclusion.treeSize}`, 'auditor')).body);
      const bundle = await unary('GetDeploymentBundle', { deploymentId: id.a });
      expect(bundle).toEqual((await api('GET', `/audit/deployments/${id.a}/bundle?treeSize=${bundle.treeSize}`, 'auditor')).body);
      expect(await verifyBundleOffline(bundle)).toMatchObject({ status: 0, result: { intact: true, deploymentId: id.a } });
      const earlier = await unary('GetDeploymentBundle', { deploymentId: id.a, treeSize: bundle.treeSize });
      expect(earlier).toEqual(bundle);

      const from = Math.ceil((bundle.treeSize as number) / 3);
      const consistency = await unary('GetConsistencyProof', { from, to: bundle.treeSize });
      const rest = (await api('GET', `/audit/proofs/consistency?from=${from}&to=${bundle.treeSize}`, 'auditor')).body;
      expect(rest.hashes.length).toBeGreaterThan(0);
      expect(consistency).toEqual({ from, to: bundle.treeSize, hashes: rest.hashes, ...(rest.checkpoints.from ? { fromCheckpoint: rest.checkpoints.from } : {}), toCheckpoint: rest.checkpoints.to });

      const history = await unary('GetDeploymentHistory', { deploymentId: id.a });
      expect(history.integrity).toMatchObject({ verified: true, checkpointTreeSize: expect.any(Number), checkpointMadeAt: expect.any(String) });
    });

    it('streams the export in ledger order, each entry chained to the one before, with its bytes as the NDJSON export has them', async () => {
      const entries: { position: number; previousHash: string; hash: string; eventJson: string; entry: string }[] = [];
      await new Promise<void>((resolve, reject) => {
        const client = AuditService();
        const call = (client.ExportEvents as Function).call(client, { from: 1 }, metadata('auditor'));
        call.on('data', (entry: (typeof entries)[number]) => entries.push(entry));
        call.on('error', reject);
        call.on('end', () => (client.close(), resolve()));
      });
      const head = (await api('GET', '/audit/digest', 'auditor')).body;
      expect(entries.length).toBeGreaterThanOrEqual(head.position);
      entries.forEach((entry, i) => {
        expect(entry.position).toBe(i + 1);
        if (i > 0) expect(entry.previousHash).toBe(entries[i - 1].hash);
        expect(JSON.parse(entry.eventJson).id).toEqual(expect.any(String));
      });
      const ndjson = await (await fetch(`${records.url}/audit/export?format=ndjson&to=${entries.length}`, { headers: { authorization: `Bearer ${tokens.auditor}` } })).text();
      expect(entries.map((e) => e.entry)).toEqual(ndjson.trimEnd().split('\n'));
    });

    it('maps failures once: not found, invalid argument, unauthenticated, permission denied', async () => {
      await expect(unary('GetDeploymentHistory', { deploymentId: randomUUID() })).rejects.toMatchObject({ code: status.NOT_FOUND });
      await expect(unary('GetDeploymentHistory', { deploymentId: 'nope' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      await expect(unary('GetDeploymentStateAsOf', { deploymentId: id.a, asOf: 'yesterday' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/asOf/) });
      await expect(unary('VerifyLedger', { from: 5, to: 2 })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      const size = (await api('GET', '/audit/digest', 'auditor')).body.position as number;
      const refusals: [string, object, number, RegExp][] = [
        ['GetInclusionProof', { position: size + 100 }, status.NOT_FOUND, new RegExp(`the ledger has no entry at position ${size + 100}`)],
        ['GetInclusionProof', { position: 3, treeSize: size + 100 }, status.INVALID_ARGUMENT, new RegExp(`the tree has ${size} entries, fewer than the size ${size + 100} asked for`)],
        ['GetInclusionProof', { position: 5, treeSize: 4 }, status.INVALID_ARGUMENT, /position 5 is not in the tree of 4 entries/],
        ['GetInclusionProof', {}, status.INVALID_ARGUMENT, /position/],
        ['GetInclusionProof', { position: -4 }, status.INVALID_ARGUMENT, /position/],
        ['GetCheckpoint', { size: 9_999_999 }, status.NOT_FOUND, /no checkpoint was made at tree size 9999999/],
        ['GetCheckpoint', { size: 0 }, status.INVALID_ARGUMENT, /size/],
        ['GetDeploymentBundle', { deploymentId: '<script>' }, status.INVALID_ARGUMENT, /is not a deployment id/],
        ['GetDeploymentBundle', {}, status.INVALID_ARGUMENT, /is not a deployment id/],
        ['GetDeploymentBundle', { deploymentId: randomUUID() }, status.NOT_FOUND, /the ledger has no entry of deployment/],
        ['GetDeploymentBundle', { deploymentId: id.a, treeSize: size + 1 }, status.INVALID_ARGUMENT, /fewer than the size/],
        ['GetConsistencyProof', { from: 5, to: 3 }, status.INVALID_ARGUMENT, /cannot be a prefix/],
        ['GetConsistencyProof', { from: 1, to: size + 1 }, status.INVALID_ARGUMENT, /fewer than the size/],
        ['GetConsistencyProof', {}, status.INVALID_ARGUMENT, /from/],
      ];
      for (const [method, request, code, details] of refusals) {
        const error = await unary(method, request).then(() => ({}), (e: { code?: number; details?: string }) => ({ code: e.code, details: e.details }));
        expect([method, request, error]).toEqual([method, request, { code, details: expect.stringMatching(details) }]);
      }
      await expect(unary('GetLogKey', {}, 'product-owner')).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
      await expect(unary('GetDeploymentBundle', { deploymentId: id.a }, 'product-owner')).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
      await expect(unary('VerifyLedger', {}, 'nobody')).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
      await expect(unary('VerifyLedger', {}, 'product-owner')).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
      const refusedExport = await new Promise<{ code?: number }>((resolve) => {
        const client = AuditService();
        const call = (client.ExportEvents as Function).call(client, {}, metadata('product-owner'));
        call.on('data', () => undefined);
        call.on('error', (error: { code?: number }) => (client.close(), resolve(error)));
        call.on('end', () => (client.close(), resolve({})));
      });
      expect(refusedExport.code).toBe(status.PERMISSION_DENIED);
    });

    it('GetDeploymentHistory waits for the outcome like ?waitForOutcome: up to 30 seconds', async () => {
      const history = await unary('GetDeploymentHistory', { deploymentId: id.a, waitForOutcomeSeconds: 5 });
      expect(JSON.parse(history.stateJson as string)).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
      await expect(unary('GetDeploymentHistory', { deploymentId: id.a, waitForOutcomeSeconds: 31 })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/waitForOutcome/) });
    });
  });
});

describe('what a caller gets without asking precisely', () => {
  const request = (deploymentId: string) => {
    const base = { deploymentId, changeId: `CHG-wait-${deploymentId.slice(0, 8)}`, service: 'waiting', environment: 'staging' };
    const window = { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() };
    return { base, window };
  };
  const history = (deploymentId: string, query = '') => api('GET', `/audit/deployments/${deploymentId}${query}`, 'auditor');

  it('?waitForOutcome holds the answer until the record closes: the history is complete when it comes', async () => {
    const deploymentId = randomUUID();
    const { base, window } = request(deploymentId);
    await publish('DeploymentRequested', { ...base, window, requestedAt: new Date().toISOString(), kind: 'upgrade', releaseId: undefined });
    await publish('DeploymentPlanned', { ...base, window, model: null });
    await eventually(async () => (await history(deploymentId)).body?.projection?.phase === 'planned', { what: 'the planned deployment in the ledger' });

    const waiting = history(deploymentId, '?waitForOutcome=20');
    await publish('DeploymentStarted', { deploymentId, startedAt: new Date().toISOString() });
    await publish('DeploymentExecuted', { deploymentId, executedAt: new Date().toISOString() });
    await publish('DeploymentVerified', { deploymentId, verifiedAt: new Date().toISOString() });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.state).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
    expect(answer.body.projection).toEqual(answer.body.state);
    expect(answer.body.history.map((h: { type: string }) => h.type)).toContain(EVENTS.DeploymentRecordClosed.type);
  });

  it('?waitForOutcome answers what the ledger holds when the time passes (200, or 404 for nothing); bad values are 400', async () => {
    const deploymentId = randomUUID();
    const { base, window } = request(deploymentId);
    await publish('DeploymentRequested', { ...base, window, requestedAt: new Date().toISOString(), kind: 'upgrade', releaseId: undefined });
    await eventually(async () => (await history(deploymentId)).status === 200, { what: 'the requested deployment in the ledger' });
    const asked = Date.now();
    const open = await history(deploymentId, '?waitForOutcome=1');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(900);
    expect(open.status).toBe(200);
    expect(open.body.state).toMatchObject({ phase: 'requested' });
    expect((await history(randomUUID(), '?waitForOutcome=1')).status).toBe(404);
    expect((await history(deploymentId, '?waitForOutcome=0')).status).toBe(200);
    for (const value of ['31', '-1', '1.5', 'soon', '']) {
      const refused = await history(deploymentId, `?waitForOutcome=${value}`);
      expect([value, refused.status]).toEqual([value, 400]);
      expect(refused.body.message).toMatch(/waitForOutcome must be a whole number of seconds from 0 to 30/);
    }
  });

  it('GET /kpis without from and to answers the last 30 days per week; either alone sets the other 30 days away; bad values are 400', async () => {
    const before = Date.now();
    const defaulted = await api('GET', '/kpis', 'auditor');
    const after = Date.now();
    expect(defaulted.status).toBe(200);
    expect(defaulted.body.period).toBe('week');
    expect(Date.parse(defaulted.body.to)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(defaulted.body.to)).toBeLessThanOrEqual(after);
    expect(Date.parse(defaulted.body.to) - Date.parse(defaulted.body.from)).toBe(30 * 86_400_000);
    expect(defaulted.body.periods.length).toBeGreaterThanOrEqual(5);

    expect((await api('GET', '/kpis?period=day&from=2026-01-01T00:00:00Z', 'auditor')).body).toMatchObject({ period: 'day', from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T00:00:00.000Z', periods: expect.any(Array) });
    expect((await api('GET', '/kpis?to=2026-01-31T00:00:00Z', 'auditor')).body).toMatchObject({ period: 'week', from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T00:00:00.000Z' });
    for (const query of ['from=yesterday', 'to=2026-13-01T00:00:00Z', 'period=year', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'colour=red']) {
      expect([query, (await api('GET', `/kpis?${query}`, 'auditor')).status]).toEqual([query, 400]);
    }
  });
});

describe('a chained promotion as one', () => {
  it('GET /audit/chains/:chainId shows each stage requested, its outcome, and the chain stopped at the stage that failed; the list filters by chainId', async () => {
    const stage = { service: 'chained', model: std, requested: '07:00', window: ['07:10', '07:40'] as [string, string], started: '07:10', executed: '07:30' };
    const stages = [
      { environment: 'chain-test', kind: 'test' as const },
      { environment: 'chain-staging', kind: 'staging' as const },
      { environment: 'chain-prod', kind: 'production' as const },
    ];
    await deploy('chain-1', { ...stage, environment: 'chain-test', chain: { stage: 1, of: 3, stages }, end: ['verified', '07:45'] });
    await closed('chain-1');
    await deploy('chain-2', { ...stage, environment: 'chain-staging', chain: { first: 'chain-1', stage: 2, of: 3, stages }, end: ['failed', '07:45'] });
    await closed('chain-2');
    const chainId = id['chain-1'];
    const chain = await api('GET', `/audit/chains/${chainId}`, 'auditor');
    expect(chain.status).toBe(200);
    expect(chain.body).toMatchObject({
      chainId,
      status: 'stopped',
      of: 3,
      stages: [
        { stage: 1, environment: 'chain-test', deploymentId: chainId, phase: 'closed', outcome: 'succeeded' },
        { stage: 2, environment: 'chain-staging', deploymentId: id['chain-2'], phase: 'closed', outcome: 'failed' },
        { stage: 3, environment: 'chain-prod', kind: 'production' },
      ],
      stoppedAt: { stage: 2, outcome: 'failed' },
    });
    const listed = await api('GET', `/audit/deployments?chainId=${chainId}`, 'auditor');
    expect(listed.body.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([id['chain-2'], chainId]);
    expect((await api('GET', `/audit/chains/${randomUUID()}`, 'auditor')).status).toBe(404);
  }, 60_000);
});

describe('production is a kind, not a name', () => {
  it('deployment frequency over prod-eu of kind production counts it, its lead time runs from the commit, and its record closes with the kind', async () => {
    await publish('EnvironmentRegistered', { name: 'prod-eu', kind: 'production' });
    await publish('EnvironmentRegistered', { name: 'production-like', kind: 'staging' });
    await deploy('eu', { environment: 'prod-eu', service: 'payments', model: std, commitTime: '05:00', requested: '06:00', window: ['06:10', '06:40'], started: '06:10', executed: '06:30', end: ['verified', '06:45'] });
    await deploy('like', { environment: 'production-like', service: 'payments', model: std, requested: '06:00', window: ['06:10', '06:40'], started: '06:10', executed: '06:30', end: ['verified', '06:45'] });
    await closed('eu');
    await closed('like');

    const kpis = async (query: string) => {
      const response = await api('GET', `/kpis?period=day&from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(tomorrow)}${query}`, 'auditor');
      expect(response.status).toBe(200);
      return { filters: response.body.filters, kpi: (name: string) => response.body.periods[0].kpis.find((k: { name: string }) => k.name === name) };
    };
    const eu = await kpis('&environment=prod-eu');
    expect(eu.filters).toMatchObject({ environment: 'prod-eu', environmentKind: 'production' });
    expect(eu.kpi('deployment-frequency')).toMatchObject({ value: 1, deployments: [id.eu], definitionVersion: 2 });
    // 05:00 commit → 06:45 verified
    expect(eu.kpi('lead-time-p50')).toMatchObject({ value: 105 * 60_000, breakdown: { 'from-commit': { deployments: [id.eu] }, 'from-request': { denominator: 0 } } });
    // an environment named like production but of kind staging counts only when staging is asked for
    expect((await kpis('&environment=production-like')).kpi('deployment-frequency')).toMatchObject({ value: 0 });
    expect((await kpis('&environment=production-like&environmentKind=staging')).kpi('deployment-frequency')).toMatchObject({ value: 1, deployments: [id.like] });
    // the whole estate: prod-eu with the scripted set's production deployments
    expect((await kpis('')).kpi('deployment-frequency').deployments).toContain(id.eu);
    expect((await api('GET', `/kpis?environmentKind=live`, 'auditor')).status).toBe(400);

    const close = await records.runtime.db.query<{ data: { environment: string; environmentKind?: string } }>(
      `SELECT data FROM records.events WHERE event_type = 'DeploymentRecordClosed' AND data->>'deploymentId' = $1`,
      [id.eu],
    );
    expect(close.rows.map((r) => r.data)).toEqual([expect.objectContaining({ environment: 'prod-eu', environmentKind: 'production' })]);
  }, 60_000);
});

describe('late changes reach change enablement', () => {
  it('a run held at a wave boundary for a late change is reported to change enablement once, with what changed; the rollback decided then closes the change', async () => {
    const deploymentId = randomUUID();
    const changeId = `CHG-held-${deploymentId.slice(0, 8)}`;
    const window = { start: at('07:00'), end: at('08:00') };
    const base = { deploymentId, changeId, service: 'payments', environment: 'production' };
    await publish('DeploymentRequested', { ...base, requestedAt: at('06:50'), window, kind: 'upgrade', releaseId: undefined });
    await publish('DeploymentPlanned', { ...base, window, model: std });
    await publish('DeploymentStarted', { deploymentId, startedAt: at('07:00') });
    const detail = 'freeze incident-freeze (major incident in progress) covers payments in production during the window';
    await publish('LateChangeDetected', { deploymentId, reason: 'FreezePeriod', detail, detectedAt: at('07:05') });
    const paused = await publish('RunPaused', { deploymentId, reason: 'FreezePeriod', by: 'gantry-execution', pausedAt: at('07:06') });
    // the same pause delivered again is one entry, one report
    await records.runtime.bus.produce(EVENTS.RunPaused.topic, [{ key: deploymentId, value: JSON.stringify(paused), headers: {} }]);

    // other suites' records instances share the broker and may report on what this suite publishes: only this one's count
    const ours = new Set<string>();
    const toChangeEnablement = async (type: string) => {
      const candidates = feedback.map((m) => JSON.parse(m.value!.toString())).filter((e) => e.type === type && e.data.deploymentId === deploymentId);
      for (const e of candidates) if ((await records.runtime.db.query('SELECT 1 FROM records.events WHERE event_id = $1', [e.id])).rowCount) ours.add(e.id);
      return candidates.filter((e) => ours.has(e.id));
    };
    await eventually(async () => (await toChangeEnablement(EVENTS.ChangeImplementationHeld.type)).length > 0, { timeoutMs: 20_000, what: 'the hold reported to change enablement' });
    const [held] = await toChangeEnablement(EVENTS.ChangeImplementationHeld.type);
    expect(validatePayload(held.type, held.data)).toBeNull();
    expect(held.data).toEqual({ deploymentId, changeId, reason: 'FreezePeriod', detail, heldAt: at('07:06'), auditHistory: `/audit/deployments/${deploymentId}` });

    await publish('RollbackDecided', { deploymentId, rollback: true, by: 'mia', decidedAt: at('07:20') });
    await publish('RolledBack', { deploymentId, reason: 'FreezePeriod', rolledBackAt: at('07:30') });
    await eventually(async () => (await toChangeEnablement(EVENTS.ChangeImplementationReported.type)).length > 0, { timeoutMs: 20_000, what: 'the report that closes the change' });
    expect((await toChangeEnablement(EVENTS.ChangeImplementationReported.type))[0].data).toMatchObject({ changeId, outcome: 'rolled-back', closeCode: 'unsuccessful', cause: 'RolledBack: FreezePeriod' });
    expect(await toChangeEnablement(EVENTS.ChangeImplementationHeld.type)).toHaveLength(1);
    const record = (await api('GET', `/audit/deployments/${deploymentId}`, 'auditor')).body.projection;
    expect(record.holds).toEqual([{ reason: 'FreezePeriod', detail, heldAt: at('07:06'), reported: true }]);
  }, 60_000);
});

describe('the monitoring period after a verified deployment', () => {
  it('shows the record in monitoring until the period ends; a regression corrects the report to change enablement, once; a clean one does not; the KPIs count both', async () => {
    const monitoring = { ...SAMPLE_PAYLOADS.MonitoringPeriodStarted.monitoring, onRegression: 'decide' as const };
    const watch = async (name: string, environment: string) => {
      await deploy(name, { environment, service: `watched-${name}`, model: std, requested: '05:00', window: ['05:10', '05:40'], started: '05:10', executed: '05:30', end: ['verified', '05:35'] });
      await closed(name);
      await publish('MonitoringPeriodStarted', { deploymentId: id[name], environment, monitoring, startedAt: at('05:36'), endsAt: at('06:36'), looks: 12 });
      await eventually(async () => (await api('GET', `/audit/deployments/${id[name]}`, 'auditor')).body?.projection?.monitoring?.status === 'in-monitoring', { timeoutMs: 20_000, what: `${name} in monitoring` });
    };
    await watch('regressed', 'watched-production');
    await watch('clean', 'watched-production');
    const history = (await api('GET', `/audit/deployments/${id.regressed}`, 'auditor')).body;
    expect(history.projection).toMatchObject({ phase: 'closed', outcome: 'succeeded', monitoring: { since: at('05:36'), until: at('06:36'), status: 'in-monitoring', regressions: [] } });
    expect(history.state).toEqual(history.projection);
    const inMonitoring = await api('GET', '/audit/deployments?environment=watched-production&monitoring=in-monitoring', 'auditor');
    expect(inMonitoring.body.deployments.map((d: { deploymentId: string }) => d.deploymentId).sort()).toEqual([id.regressed, id.clean].sort());

    const ours = new Set<string>();
    const corrections = async (deploymentId: string) => {
      const candidates = feedback.map((m) => JSON.parse(m.value!.toString())).filter((e) => e.type === EVENTS.ChangeImplementationCorrected.type && e.data.deploymentId === deploymentId);
      for (const e of candidates) if ((await records.runtime.db.query('SELECT 1 FROM records.events WHERE event_id = $1', [e.id])).rowCount) ours.add(e.id);
      return candidates.filter((e) => ours.has(e.id)).map((e) => e.data);
    };
    const reason = 'error-rate 0.040 vs baseline 0.010: worse beyond the 10 % tolerance (look 3 of 12)';
    const regression = await publish('RegressionDetected', { deploymentId: id.regressed, signal: 'error-rate', look: 3, reason, onRegression: 'decide', detectedAt: at('05:50') });
    // the same regression delivered again is one entry, one correction
    await records.runtime.bus.produce(EVENTS.RegressionDetected.topic, [{ key: id.regressed, value: JSON.stringify(regression), headers: {} }]);
    await eventually(async () => (await corrections(id.regressed)).length > 0, { timeoutMs: 20_000, what: 'the regression corrects the report' });
    const [corrected] = await corrections(id.regressed);
    expect(validatePayload(EVENTS.ChangeImplementationCorrected.type, corrected)).toBeNull();
    expect(corrected).toMatchObject({
      changeId: change.regressed,
      outcome: 'succeeded',
      closeCode: 'successful-with-issues',
      previousCloseCode: 'successful',
      regressions: [{ signal: 'error-rate', look: 3, reason, detectedAt: at('05:50') }],
    });

    await publish('MonitoringPeriodEnded', { deploymentId: id.regressed, verdict: 'regressed', looks: 3, endedAt: at('05:51') });
    await publish('MonitoringPeriodEnded', { deploymentId: id.clean, verdict: 'clean', looks: 12, endedAt: at('06:36') });
    await eventually(async () => (await api('GET', `/audit/deployments/${id.clean}`, 'auditor')).body?.projection?.monitoring?.status === 'clean', { timeoutMs: 20_000, what: 'the clean period to end' });
    await eventually(async () => (await api('GET', `/audit/deployments/${id.regressed}`, 'auditor')).body?.projection?.monitoring?.status === 'regressed', { timeoutMs: 20_000, what: 'the regressed period to end' });
    expect((await api('GET', `/audit/deployments/${id.regressed}`, 'auditor')).body.projection.monitoring).toEqual({
      since: at('05:36'),
      until: at('05:51'),
      status: 'regressed',
      regressions: [{ signal: 'error-rate', look: 3, reason, at: at('05:50') }],
    });
    expect((await api('GET', '/audit/deployments?environment=watched-production&monitoring=in-monitoring', 'auditor')).body.deployments).toEqual([]);
    expect(await corrections(id.regressed)).toHaveLength(1);
    expect(await corrections(id.clean)).toHaveLength(0);

    const response = await api('GET', `/kpis?period=day&from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(tomorrow)}&environment=watched-production`, 'auditor');
    const kpi = (name: string) => response.body.periods[0].kpis.find((k: { name: string }) => k.name === name);
    const both = [id.regressed, id.clean].sort();
    expect(kpi('monitoring-regressions')).toMatchObject({ value: 1, numerator: 1, denominator: 2, deployments: [id.regressed], outOf: both, breakdown: { 'error-rate': { value: 1 } } });
    expect(kpi('closed-clean-after-monitoring')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, deployments: [id.clean], outOf: both });
  }, 90_000);

  it('a rollback in the monitoring period after the success closed corrects the report to rolled-back, unsuccessful', async () => {
    await deploy('undone', { environment: 'watched-staging', service: 'watched-undone', model: std, requested: '05:00', window: ['05:10', '05:40'], started: '05:10', executed: '05:30', end: ['verified', '05:35'] });
    await closed('undone');
    await publish('MonitoringPeriodStarted', { deploymentId: id.undone, environment: 'watched-staging', startedAt: at('05:36'), endsAt: at('06:36'), looks: 12 });
    await publish('RegressionDetected', { deploymentId: id.undone, signal: 'error-rate', look: 1, onRegression: 'rollback', detectedAt: at('05:40') });
    await publish('RolledBack', { deploymentId: id.undone, reason: 'RegressionDetected', rolledBackAt: at('05:45') });
    const ours = async () => {
      const candidates = feedback.map((m) => JSON.parse(m.value!.toString())).filter((e) => e.type === EVENTS.ChangeImplementationCorrected.type && e.data.deploymentId === id.undone);
      const mine = [];
      for (const e of candidates) if ((await records.runtime.db.query('SELECT 1 FROM records.events WHERE event_id = $1', [e.id])).rowCount) mine.push(e.data);
      return mine;
    };
    await eventually(async () => (await ours()).some((c) => c.outcome === 'rolled-back'), { timeoutMs: 20_000, what: 'the rollback corrects the report' });
    expect((await ours()).find((c) => c.outcome === 'rolled-back')).toMatchObject({ closeCode: 'unsuccessful', cause: 'RolledBack: RegressionDetected' });
    expect((await api('GET', `/audit/deployments/${id.undone}`, 'auditor')).body.projection).toMatchObject({ phase: 'closed', outcome: 'rolled-back', cause: 'RolledBack: RegressionDetected' });
  }, 60_000);
});
