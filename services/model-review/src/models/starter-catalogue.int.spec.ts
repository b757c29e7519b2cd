import { eventually, type TestDatabase } from '@gantry/testing';
import { call, freshDatabase, startModelReview, tokenFor } from '../test-fixtures';
import { STARTER_CATALOGUE } from './starter-catalogue';

let database: TestDatabase;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.drop();
});

// two starts of the embedded default (PGlite): seconds alone, a minute or more on two cores shared with other suites
it('the embedded default loads the starter catalogue on its first start; the next start adds nothing', async () => {
  const token = await tokenFor('auditor');
  const catalogue = async (url: string) => ((await call(url, token, 'GET', '/models')).body!.models as { name: string; status: string; version: number }[]).map((m) => [m.name, m.status, m.version]);
  const expected = STARTER_CATALOGUE.map((m) => [m.name, 'active', 2]).sort();

  const first = await startModelReview(database.url, { starterCatalogue: true });
  try {
    expect((await catalogue(first.url)).sort()).toEqual(expected);
    expect((await call(first.url, token, 'GET', '/models/component-retirement')).body).toMatchObject({ activeVersion: 1, content: { applicability: { deploymentKinds: ['removal'] } } });
  } finally {
    await first.stop();
  }
  const second = await startModelReview(database.url, { starterCatalogue: true });
  try {
    await eventually(async () => (await call(second.url, token, 'GET', '/health')).status === 200);
    expect((await catalogue(second.url)).sort()).toEqual(expected);
  } finally {
    await second.stop();
  }
}, 180_000);
