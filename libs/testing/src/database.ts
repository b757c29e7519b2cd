import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

export interface TestDatabaseRoles {
  owner: string;
  runtime: string;
  /** GANTRY_MIGRATION_DATABASE_URL: the owner role's connection to the database */
  ownerUrl: string;
  /** DATABASE_URL: the runtime role's */
  runtimeUrl: string;
  /** the database as the admin (a superuser) sees it */
  adminUrl: string;
  /** drops both roles: after the database (whose grants name them) is dropped */
  drop(): Promise<void>;
}

/**
 * Gantry's owner and runtime roles for a test database, made as docker-compose's postgres container makes them
 * (infra/postgres/init-roles.sh running roles.sql), named for this run: roles belong to the whole server, and tests
 * running side by side must not share them.
 */
export async function createTestDatabaseRoles(database: TestDatabase): Promise<TestDatabaseRoles> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const [owner, runtime] = [`gantry_owner_${suffix}`, `gantry_runtime_${suffix}`];
  const server = new URL(adminUrl());
  const infra = join(__dirname, '..', '..', '..', 'infra', 'postgres');
  await promisify(execFile)('bash', [join(infra, 'init-roles.sh')], {
    env: {
      ...process.env,
      POSTGRES_USER: decodeURIComponent(server.username),
      POSTGRES_DB: database.name,
      PGHOST: server.hostname,
      PGPORT: server.port || '5432',
      PGPASSWORD: decodeURIComponent(server.password),
      GANTRY_DB_OWNER: owner,
      GANTRY_DB_OWNER_PASSWORD: `${owner}-password`,
      GANTRY_DB_RUNTIME: runtime,
      GANTRY_DB_RUNTIME_PASSWORD: `${runtime}-password`,
      GANTRY_ROLES_SQL: join(infra, 'roles.sql'),
    },
  });
  const urlAs = (role: string | undefined) => {
    const url = new URL(database.url);
    if (role) Object.assign(url, { username: role, password: `${role}-password` });
    return url.toString();
  };
  return {
    owner,
    runtime,
    ownerUrl: urlAs(owner),
    runtimeUrl: urlAs(runtime),
    adminUrl: urlAs(undefined),
    drop: () => withAdmin((c) => c.query(`DROP ROLE IF EXISTS ${runtime}; DROP ROLE IF EXISTS ${owner}`)).then(() => undefined),
  };
}
