import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { connect } from 'node:net';
import { childEnv, eventuallyWhileRunning, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * What the end-to-end suites stand on: a process reports the ports the system gave it, and a wait on a condition
 * fails at once when a process it depends on dies, or at its deadline, showing what the processes wrote last.
 */
const SECRET = 'harness-e2e-secret-long-enough-for-hs256';
let database: TestDatabase;
let planning: GantryProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase('gantry_harness');
}, 60_000);

afterAll(async () => {
  await planning?.stop();
  await database?.drop();
});

const start = (env: NodeJS.ProcessEnv = {}) =>
  startGantryProcess('planning', 'services/planning/src/main.ts', childEnv({ DATABASE_URL: database.url, GANTRY_JWT_SECRET: SECRET, ...env }));

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true))).once('error', () => resolve(false));
  });

it('a process started on port 0 reports the HTTP and gRPC ports it got, and answers on them', async () => {
  planning = await start();
  const { port } = new URL(planning.url);
  expect(Number(port)).toBeGreaterThan(0);
  expect(planning.grpcPort).toEqual(expect.any(Number));
  expect((await fetch(`${planning.url}/health`)).status).toBe(200);
  expect(await accepts(planning.grpcPort!)).toBe(true);
  expect(planning.output()).toMatch(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}, gRPC on 127\\.0\\.0\\.1:${planning.grpcPort} `));
}, 120_000);

it('a wait that times out shows the last lines of every process it depends on', async () => {
  const waiting = eventuallyWhileRunning([planning!], () => false, { timeoutMs: 500, what: 'what never happens' });
  await expect(waiting).rejects.toThrow(/timed out after 500 ms waiting for what never happens\n--- planning running \(pid \d+\); its last \d+ lines of output ---\n.*listening on/s);
});

it('a process that dies during a wait ends the wait at once, with how it ended and its output', async () => {
  const started = Date.now();
  const waiting = eventuallyWhileRunning([planning!], () => false, { timeoutMs: 120_000, what: 'what never happens' });
  setTimeout(() => planning!.child.kill('SIGKILL'), 200);
  await expect(waiting).rejects.toThrow(/stopped waiting for what never happens: planning exited on SIGKILL\n--- planning exited on SIGKILL \(pid \d+\); its last \d+ lines of output ---\n.*listening on/s);
  expect(Date.now() - started).toBeLessThan(30_000);
}, 60_000);

it('a process that dies while starting fails the start at once, with its exit code and output', async () => {
  const started = Date.now();
  await expect(start({ GANTRY_BODY_LIMIT_BYTES: 'lots' })).rejects.toThrow(/planning exited with code 1\n--- planning exited with code 1 .*GANTRY_BODY_LIMIT_BYTES must be a non-negative integer/s);
  expect(Date.now() - started).toBeLessThan(60_000);
}, 120_000);
