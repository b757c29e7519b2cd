import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, type RunningProcess } from '@gantry/platform';
import { openApiDocument } from './openapi';
import { standalone } from './standalone';

/** contracts/openapi.json is the REST surface the code serves now (regenerate with `npm run contracts:generate`). */
let running: RunningProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-openapi-test-'));
  running = await boot('standalone', { ...standalone, env: { GANTRY_DATA_DIR: dataDir, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' } });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('contracts/openapi.json is up to date, each operation naming the service that serves it', async () => {
  const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'contracts', 'openapi.json'), 'utf8')) as unknown;
  const current = await openApiDocument(running);
  expect(committed).toEqual(current);
  expect(current.paths['/deployments/{id}'].get['x-gantry-service']).toBe('planning');
  expect(current.paths['/audit/deployments/{id}'].get['x-gantry-service']).toBe('records');
  expect(current.paths['/health'].get['x-gantry-service']).toBe('any');
});
