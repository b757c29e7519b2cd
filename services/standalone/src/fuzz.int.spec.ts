import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import fc from 'fast-check';
import { DEPLOYMENTS_PROTO_PATH, GANTRY_PROTO_PATHS, PROTO_ROOT, validateItsmEvent } from '@gantry/contracts';
import { mintToken, ROLES, mayDo, type Permission } from '@gantry/auth';
import { boot, doorsOf, type Door, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * Hostile input at every command door of the five services: generated bodies (wrong types, unknown fields, deep
 * nesting, huge strings and arrays, malformed JSON) and path parameters. Whatever comes in, the answer is never a
 * 5xx, the process stays up, and a refused request records nothing. Reproducible: a fixed seed (FUZZ_SEED) and
 * FUZZ_RUNS runs per door (default 20 in the test command; the long mode is e.g. FUZZ_RUNS=2000).
 */
const secret = 'fuzz-secret-of-at-least-32-characters-long';
const seed = Number(process.env.FUZZ_SEED ?? 20261123);
const runs = Number(process.env.FUZZ_RUNS ?? 20);
let database: TestDatabase;
let running: RunningProcess;
let commandDoors: Door[];
let queryDoors: Door[];
let grpcDoors: Door[];
const tokens = new Map<Permission, string>();
/** a sweep sends about 1,000 requests in series: 6 s alone, over 60 s in CI beside the replicas suite */
const sweepCeiling = 600_000;

/** events recorded through the doors, in every service's schema */
const recordedThroughDoors = async (): Promise<number> => {
  const { rows } = await running.runtime.db.query<{ n: string }>(`
    SELECT coalesce(sum(n), 0)::text AS n FROM (
      ${['planning', 'verification', 'execution', 'records', 'model_review']
        .map((schema) => `SELECT count(*) AS n FROM ${schema}.events WHERE metadata->'actor'->>'channel' IN ('rest', 'grpc')`)
        .join(' UNION ALL ')}
    ) AS counts`);
  return Number(rows[0].n);
};

beforeAll(async () => {
  database = await createTestDatabase('gantry_fuzz');
  running = await boot('standalone', {
    ...standalone,
    env: { DATABASE_URL: database.url, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_RATE_LIMIT_PER_MINUTE: '0', GANTRY_DATA_DIR: join(__dirname, '..', '..', '..', '.data', 'fuzz-test') },
  });
  const doors = doorsOf(running.app);
  commandDoors = doors.filter((d) => d.transport === 'http' && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(d.method));
  grpcDoors = doors.filter((d) => d.transport === 'grpc');
  queryDoors = doors.filter((d) => d.transport === 'http' && d.method === 'GET' && typeof d.permission === 'string' && d.permission !== 'public');
  for (const door of [...commandDoors, ...grpcDoors, ...queryDoors]) {
    const permission = door.permission as Permission;
    const role = ROLES.find((r) => mayDo([r], permission));
    // an agent's doors are fuzzed past its scope check: a token of the agent role, scoped to an environment
    const agent = permission === 'agents:pull' ? { environment: 'fuzz-edge' } : {};
    if (role && !tokens.has(permission)) tokens.set(permission, await mintToken(secret, { sub: `fuzzer-${role}`, roles: permission === 'agents:pull' ? ['agent'] : [role], ...agent }));
  }
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await database?.drop();
});

const json = fc.jsonValue({ maxDepth: 6 });
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '../../etc/passwd', "'; DROP TABLE events; --", '{{7*7}}', '%00', 'x'.repeat(70_000), '2026-02-30T25:61:00Z', 'NaN', '-1', '1e309'),
);
const hostileValue = fc.oneof(json, hostileString, fc.constantFrom(null, true, -1, 0, 2 ** 53, -(2 ** 63), 1.5, [], {}), fc.array(fc.integer(), { minLength: 1000, maxLength: 1200 }));
/** objects shaped like the commands (their field names) with hostile values, or anything at all */
const fieldNames = fc.constantFrom(
  'changeId', 'changeType', 'changeState', 'service', 'kind', 'components', 'environment', 'window', 'start', 'end', 'acceptanceCriteria',
  'name', 'version', 'digest', 'targets', 'reason', 'model', 'content', 'strategy', 'gates', 'position', 'attributes', 'freezes', 'score',
  'severity', 'evidence', 'reference', 'description', 'installed', 'signature', 'keyId', 'by', 'approve', 'decision', 'adHoc', 'freezeOverride', 'promotionOverride', 'commitTime', 'nextAvailable', 'authorisation', 'promote', 'through', 'owner', 'publicKey', 'contact', 'scope', 'environments', 'sites', 'componentKinds', 'waitSeconds', 'status', 'detail', 'snapshotRef', 'pilotDeployments', '__proto__', 'constructor',
);
const body = fc.oneof(
  fc.dictionary(fieldNames, hostileValue, { maxKeys: 12 }).map((o) => JSON.stringify(o)),
  json.map((v) => JSON.stringify(v)),
  fc.constantFrom('{', '{"a":', 'null', '[]', '"text"', '{"changeId": "\uD800"}', `{"a":${'['.repeat(5000)}}`),
);
const pathValue = fc.oneof(fc.uuid(), hostileString.filter((s) => s.length < 300), fc.constant('%2e%2e'));

describe('hostile input at every command door (fast-check)', () => {
  it('covers the command doors', () => {
    expect(commandDoors.length).toBeGreaterThan(10);
  });

  it('never answers 5xx, and a refused request records nothing', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const door of commandDoors) {
      const authorization = `Bearer ${tokens.get(door.permission as Permission)}`;
      await fc.assert(
        fc.asyncProperty(body, pathValue, async (payload, parameter) => {
          const path = door.path.replace(/:(\w+)/g, () => encodeURIComponent(parameter));
          const before = await recordedThroughDoors();
          const response = await fetch(`${running.url}${path}`, {
            method: door.method,
            headers: { 'content-type': 'application/json', authorization, 'if-match': '"1"' },
            body: payload,
          });
          requests += 1;
          const text = await response.text();
          if (response.status >= 500) failures.push(`${door.name} ${response.status} for ${payload.slice(0, 200)}: ${text.slice(0, 200)}`);
          if (response.status >= 400 && (await recordedThroughDoors()) !== before) failures.push(`${door.name} refused with ${response.status} but recorded events`);
          expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace in a response
          return true;
        }),
        { seed, numRuns: runs },
      );
    }
    console.info(`fuzz: ${requests} requests over ${commandDoors.length} command doors (seed ${seed}, ${runs} runs each)`);
    expect(failures).toEqual([]);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  }, sweepCeiling);

  it('queries too: hostile path parameters and query strings never get a 5xx', async () => {
    const failures: string[] = [];
    let requests = 0;
    const queryNames = fc.constantFrom('from', 'to', 'asOf', 'limit', 'cursor', 'environment', 'service', 'status', 'outcome', 'period', 'format', 'digest', 'changeId', 'model', 'severity', 'name', 'environmentKind', 'chainId');
    const query = fc.dictionary(queryNames, fc.oneof(hostileString.filter((v) => v.length < 2000), fc.integer().map(String)), { maxKeys: 5 });
    for (const door of queryDoors) {
      const authorization = `Bearer ${tokens.get(door.permission as Permission)}`;
      await fc.assert(
        fc.asyncProperty(pathValue, query, async (parameter, params) => {
          const path = door.path.replace(/:(\w+)/g, () => encodeURIComponent(parameter));
          const response = await fetch(`${running.url}${path}?${new URLSearchParams(params)}`, { headers: { authorization } });
          requests += 1;
          const text = await response.text();
          if (response.status >= 500) failures.push(`${door.name} ${response.status} for ${path}?${new URLSearchParams(params)}: ${text.slice(0, 200)}`);
          return true;
        }),
        { seed, numRuns: Math.max(5, Math.floor(runs / 2)) },
      );
    }
    console.info(`fuzz: ${requests} queries over ${queryDoors.length} GET doors (seed ${seed})`);
    expect(queryDoors.length).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  }, sweepCeiling);

  it('over gRPC, no generated message gets INTERNAL or UNKNOWN, and a refused call records nothing', async () => {
    const definition = loadSync([...GANTRY_PROTO_PATHS], { includeDirs: [PROTO_ROOT] });
    const v1 = (loadPackageDefinition(definition) as unknown as { gantry: { v1: Record<string, ServiceClientConstructor> } }).gantry.v1;
    /** a message with the method's own field names (camelCase, as proto-loader takes them) and hostile values */
    const messageFor = (door: Door) => {
      const [service, method] = door.path.replace('gantry.v1.', '').split('/');
      const type = (definition[`gantry.v1.${service}`] as unknown as Record<string, { requestType: { type: { field: { name: string; type: string; label: string }[] } } }>)[method].requestType.type;
      const camel = (name: string) => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      const valueOf = (field: { type: string; label: string }): fc.Arbitrary<unknown> => {
        const scalar: fc.Arbitrary<unknown> =
          field.type === 'TYPE_STRING'
            ? hostileString.filter((v) => v.length < 10_000)
            : field.type === 'TYPE_BOOL'
              ? fc.boolean()
              : field.type.startsWith('TYPE_INT') || field.type.startsWith('TYPE_UINT') || field.type === 'TYPE_DOUBLE'
                ? fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1))
                : field.type === 'TYPE_MESSAGE'
                  ? fc.constant({})
                  : fc.constant(undefined);
        return field.label === 'LABEL_REPEATED' ? fc.array(scalar, { maxLength: 5 }) : scalar;
      };
      return fc.record(Object.fromEntries(type.field.map((f) => [camel(f.name), valueOf(f)])), { requiredKeys: [] });
    };
    const failures: string[] = [];
    let calls = 0;
    for (const door of grpcDoors) {
      const [service, method] = door.path.replace('gantry.v1.', '').split('/');
      const client = new v1[service](`127.0.0.1:${running.grpcPort}`, credentials.createInsecure());
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${tokens.get(door.permission as Permission)}`);
      const invoke = (message: unknown) =>
        new Promise<number>((resolve) => {
          const fn = (client as unknown as Record<string, Function>)[method];
          const call = fn.call(client, message, metadata, (error: { code?: number; details?: string } | null) => {
            // the client could not encode the message: nothing reached the server
            if (error?.details?.startsWith('Request message serialization failure')) resolve(-1);
            else if (error?.code === 13 || error?.code === 2) {
              failures.push(`${door.name}: ${error.details}`);
              resolve(error.code);
            } else resolve(error?.code ?? 0);
          });
          // a server stream answers through events, not a callback
          if (call && typeof call.on === 'function' && !(fn as { requestStream?: boolean }).requestStream && (fn as { responseStream?: boolean }).responseStream) {
            call.on('data', () => undefined);
            call.on('error', (error: { code?: number }) => resolve(error.code ?? 0));
            call.on('end', () => resolve(0));
          }
        });
      await fc.assert(
        fc.asyncProperty(messageFor(door), async (message) => {
          const before = await recordedThroughDoors();
          let code: number;
          try {
            code = await invoke(message);
          } catch {
            return true; // the client could not even encode it: nothing reached the server
          }
          if (code === -1) return true;
          calls += 1;
          if (code === 13 || code === 2) failures.push(`${door.name} answered ${code === 13 ? 'INTERNAL' : 'UNKNOWN'} to ${JSON.stringify(message).slice(0, 200)}`);
          if (code !== 0 && (await recordedThroughDoors()) !== before) failures.push(`${door.name} refused (${code}) but recorded events`);
          return true;
        }),
        { seed, numRuns: runs },
      );
      client.close();
    }
    console.info(`fuzz: ${calls} gRPC calls over ${grpcDoors.length} methods (seed ${seed}, ${runs} runs each)`);
    expect(grpcDoors.length).toBeGreaterThanOrEqual(5);
    expect(failures).toEqual([]);
  }, sweepCeiling);
});

describe('fields that look nullable', () => {
  /** a request every door accepts as well-formed: only the field under test differs */
  const wellFormed = {
    changeId: 'CHG-NULLS',
    changeType: 'normal',
    changeState: 'authorised',
    service: 'payments',
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
    environment: 'nowhere',
    window: { start: '2027-05-01T21:00:00.000Z', end: '2027-05-01T22:00:00.000Z' },
    acceptanceCriteria: [{ type: 'smoke-tests', description: 'smoke suite passes' }],
  };
  const post = async (body: unknown) => {
    const response = await fetch(`${running.url}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('deployments:request')}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { message?: string[] } };
  };

  it('POST /deployments with null for an optional field is 400 naming the field, never 500, and records nothing', async () => {
    const before = await recordedThroughDoors();
    const answers: Record<string, unknown> = {};
    for (const field of ['nextAvailable', 'window', 'targets', 'model', 'adHoc', 'freezeOverride', 'releaseId', 'changeType', 'changeState', 'authorisation', 'promote']) {
      const body = field === 'window' ? { ...wellFormed, window: null, nextAvailable: { durationMinutes: 60 } } : { ...wellFormed, [field]: null };
      const answer = await post(body);
      answers[field] = [answer.status, answer.body.message?.[0]?.startsWith(field)];
    }
    for (const [field, body] of [
      ['components[0].digest', { ...wellFormed, components: [{ ...wellFormed.components[0], digest: null }] }],
      ['window.end', { ...wellFormed, window: { start: wellFormed.window.start, end: null } }],
      ['nextAvailable.durationMinutes', { ...wellFormed, window: undefined, nextAvailable: { durationMinutes: null } }],
      ['promote.through', { ...wellFormed, promote: { through: null } }],
      ['promote.environments', { ...wellFormed, promote: { through: 'production', environments: null } }],
    ] as const) {
      const answer = await post(body);
      answers[field] = [answer.status, answer.body.message?.[0]?.startsWith(field)];
    }
    expect(Object.entries(answers).filter(([, answer]) => JSON.stringify(answer) !== '[400,true]')).toEqual([]);
    expect(await recordedThroughDoors()).toBe(before);
  });
});

describe('a chained promotion asked with hostile values', () => {
  const asked = {
    changeId: 'CHG-CHAIN-FUZZ',
    changeType: 'normal',
    changeState: 'authorised',
    service: 'payments',
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
    environment: 'nowhere',
    nextAvailable: { durationMinutes: 60 },
    acceptanceCriteria: [{ type: 'smoke-tests', description: 'smoke suite passes' }],
  };
  const hostile = [
    'production',
    [],
    { through: 'moon' },
    { through: 'production', extra: true },
    { through: 'production', environments: { production: 'x'.repeat(101) } },
    { through: 'production', environments: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`kind-${i}`, 'e'])) },
    { through: 'production', environments: { ['k'.repeat(21)]: 'e' } },
    { through: 'production', authorisations: { production: 'not a compact JWS' } },
  ];

  it('POST /deployments, gRPC RequestDeployment and ChangeAuthorized refuse each (400 naming promote, INVALID_ARGUMENT, invalid) and record nothing', async () => {
    const before = await recordedThroughDoors();
    const answers = [];
    for (const promote of hostile) {
      const response = await fetch(`${running.url}/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('deployments:request')}` },
        body: JSON.stringify({ ...asked, promote }),
      });
      const message = ((await response.json()) as { message?: string[] }).message?.[0] ?? '';
      answers.push([JSON.stringify(promote).slice(0, 60), response.status, message.startsWith('promote')]);
      const { changeState: _s, ...change } = asked;
      expect(validateItsmEvent('ChangeAuthorized', { ...change, promote })).toMatch(/promote/);
    }
    expect(answers.filter(([, status, named]) => status !== 400 || !named)).toEqual([]);

    const definition = loadSync(DEPLOYMENTS_PROTO_PATH, { includeDirs: [PROTO_ROOT] });
    const DeploymentService = (loadPackageDefinition(definition) as unknown as { gantry: { v1: { DeploymentService: ServiceClientConstructor } } }).gantry.v1.DeploymentService;
    const client = new DeploymentService(`127.0.0.1:${running.grpcPort}`, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${tokens.get('deployments:request')}`);
    try {
      for (const promote of [{ through: 'moon' }, { through: 'production', environments: { production: 'x'.repeat(101) } }, { through: '' }]) {
        const { nextAvailable: _n, ...rest } = asked;
        const error = await new Promise<{ code?: number; details?: string } | null>((resolve) =>
          (client as unknown as Record<string, Function>).RequestDeployment({ ...rest, nextAvailableMinutes: 60, promote }, metadata, (e: { code?: number; details?: string } | null) => resolve(e)),
        );
        expect(error).toMatchObject({ code: 3, details: expect.stringMatching(/^promote/) });
      }
    } finally {
      client.close();
    }
    expect(await recordedThroughDoors()).toBe(before);
  });

  it('GET /audit/chains/:chainId is 400 for an id that is not a uuid and 404 for a chain records never saw', async () => {
    const get = async (path: string) => (await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${tokens.get('audit:read')}` } })).status;
    expect(await get(`/audit/chains/${encodeURIComponent("x'; DROP TABLE events; --")}`)).toBe(400);
    expect(await get('/audit/chains/7d3c1a20-4b5e-4c6f-8a7b-9c0d1e2f3a4b')).toBe(404);
  });
});

describe('one limit per field, from the contract, on every door', () => {
  const get = async (path: string, permission: Permission) => (await fetch(`${running.url}${path}`, { headers: { authorization: `Bearer ${tokens.get(permission)}` } })).status;
  const asked = (environment: string) => ({
    changeId: 'CHG-LIMITS',
    changeType: 'normal',
    changeState: 'authorised',
    service: 'payments',
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
    environment,
    window: { start: '2027-05-02T21:00:00.000Z', end: '2027-05-02T22:00:00.000Z' },
    acceptanceCriteria: [{ type: 'smoke-tests', description: 'smoke suite passes' }],
  });

  it("an environment name is at most 100 characters in POST /deployments, gRPC RequestDeployment, itsm.changes.v1's ChangeAuthorized and the environment's path; one more is 400 and records nothing", async () => {
    const longest = `e${'n'.repeat(99)}`;
    const tooLong = `${longest}v`;
    const post = async (environment: string) => {
      const response = await fetch(`${running.url}/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('deployments:request')}` },
        body: JSON.stringify(asked(environment)),
      });
      return { status: response.status, body: (await response.json()) as { status?: string; message?: string[] } };
    };
    // the longest name is well-formed: recorded, and rejected as no environment has it
    expect(await post(longest)).toMatchObject({ status: 201, body: { status: 'rejected' } });
    const before = await recordedThroughDoors();
    const refused = await post(tooLong);
    expect(refused.status).toBe(400);
    expect(refused.body.message?.[0]).toMatch(/^environment /);

    const definition = loadSync(DEPLOYMENTS_PROTO_PATH, { includeDirs: [PROTO_ROOT] });
    const DeploymentService = (loadPackageDefinition(definition) as unknown as { gantry: { v1: { DeploymentService: ServiceClientConstructor } } }).gantry.v1.DeploymentService;
    const client = new DeploymentService(`127.0.0.1:${running.grpcPort}`, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${tokens.get('deployments:request')}`);
    try {
      const error = await new Promise<{ code?: number; details?: string } | null>((resolve) =>
        (client as unknown as Record<string, Function>).RequestDeployment(asked(tooLong), metadata, (e: { code?: number; details?: string } | null) => resolve(e)),
      );
      expect(error).toMatchObject({ code: 3, details: expect.stringMatching(/^environment /) });
    } finally {
      client.close();
    }
    expect(await recordedThroughDoors()).toBe(before);

    const { changeState: _s, ...change } = asked(tooLong);
    expect(validateItsmEvent('ChangeAuthorized', change)).toMatch(/environment/);
    expect(validateItsmEvent('ChangeAuthorized', { ...change, environment: longest })).toBeNull();

    expect(await get(`/environments/${longest}`, 'environments:read')).toBe(404);
    expect(await get(`/environments/${tooLong}`, 'environments:read')).toBe(400);
  });

  it("a model's name in the path is the contract's model name: hostile ones are 400, a well-formed unknown one 404", async () => {
    expect(await get(`/models/${'m'.repeat(100)}`, 'models:read')).toBe(404);
    for (const hostile of ['m'.repeat(101), '.hidden', '-flag', 'a b', '%00', '%2e%2e', "x'; DROP TABLE events; --"]) {
      expect([hostile, await get(`/models/${encodeURIComponent(hostile)}`, 'models:read')]).toEqual([hostile, 400]);
    }
  });
});

describe('deeply nested bodies', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const post = (body: string, token?: string) =>
    fetch(`${running.url}/deployments`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });

  it('are refused with 400 before they are parsed or authenticated, at once, however deep; the depth limit is 64', async () => {
    const token = tokens.get('deployments:request');
    for (const levels of [65, 5_000, 100_000]) {
      const started = performance.now();
      for (const caller of [token, undefined]) {
        const answer = await post(nested(levels), caller);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ message: 'request body nests deeper than 64 levels' });
      }
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    // 64 levels are parsed: the request is then refused for what it says, not for its depth
    const within = await post(nested(64), token);
    expect(within.status).toBe(400);
    expect(JSON.stringify(await within.json())).not.toMatch(/nests deeper/);
    expect((await post(nested(64))).status).toBe(401);
  });
});

