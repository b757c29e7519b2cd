import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The local PostgreSQL server that tests create their own databases on. */
export const adminUrl = (): string => process.env.GANTRY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withAdmin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of the test's own. Fails loudly when PostgreSQL is not reachable: a test never skips. */
export async function createTestDatabase(prefix = 'gantry_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const admin = new URL(adminUrl());
  admin.pathname = `/${name}`;
  return {
    name,
    url: admin.toString(),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
