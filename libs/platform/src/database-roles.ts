import { Logger } from '@nestjs/common';
import { Database, grantRuntimeRole, lockMigrations, quoteIdentifier, type SqlClient } from '@gantry/event-store';
import { ConfigurationError } from './config';

/**
 * Who may do what in the database. The owner role runs the migrations and owns every schema, table and trigger; the
 * runtime role, which the services connect as, owns nothing and holds only the privileges `grantRuntimeRole` gives it
 * (SELECT and INSERT on append-only tables), so that no statement of the application can ALTER a table, disable an
 * append-only trigger, or move the ledger head back.
 */
export interface DatabaseRoles {
  /**
   * `two-roles`: GANTRY_MIGRATION_DATABASE_URL and DATABASE_URL connect as the owner and the runtime role;
   * `embedded`: PGlite's one session migrates as its superuser and then runs SET ROLE to the runtime role;
   * `one-role`: DATABASE_URL alone, whose role owns what it migrates.
   */
  readonly separation: 'two-roles' | 'embedded' | 'one-role';
  /** Runs a schema's migrations on the owner's connection, then grants the runtime role its privileges there. */
  migrate(schema: string, work: (owner: Database) => Promise<void>): Promise<void>;
}

const logger = new Logger('database-roles');

/** The role PGlite's session takes once the embedded default has migrated. */
export const EMBEDDED_RUNTIME_ROLE = 'gantry_runtime';

/**
 * The runtime role connects with `runtime`; migrations open a connection of their own with `ownerUrl`, closed when
 * they are done. Refuses to start when the separation would be void: the runtime role is a superuser, may create roles
 * or become the owner, or owns something in the schema (an installation that ran with one role until now: see the
 * README's "Database roles").
 */
export function twoRoles(runtime: Database, ownerUrl: string): DatabaseRoles {
  let runtimeRole: Promise<string> | undefined;
  return {
    separation: 'two-roles',
    migrate: async (schema, work) => {
      runtimeRole ??= runtime.query<{ role: string }>('SELECT current_user AS role').then((result) => result.rows[0]!.role);
      const role = await runtimeRole;
      const owner = Database.connect(ownerUrl, { max: 1 });
      try {
        const refusals = await owner.transaction((tx) => whyNotSeparated(tx, schema, role));
        if (refusals.length > 0) {
          throw new ConfigurationError(`DATABASE_URL's role ${role} cannot be the runtime role of schema ${schema}: ${refusals.join('; ')}. See the README's "Database roles"`);
        }
        await work(owner);
        await owner.transaction(async (tx) => {
          await lockMigrations(tx, schema);
          await grantRuntimeRole(tx, schema, role);
        });
      } finally {
        await owner.close();
      }
    },
  };
}

/** What makes the runtime role no different from the owner, asked as the owner (current_user). */
async function whyNotSeparated(tx: SqlClient, schema: string, role: string): Promise<string[]> {
  const { rows } = await tx.query<{ same: boolean; superuser: boolean; createrole: boolean; member: boolean; owns: string[] }>(
    `SELECT $1 = current_user AS same,
            coalesce(r.rolsuper, false) AS superuser, coalesce(r.rolcreaterole, false) AS createrole,
            r.rolname IS NOT NULL AND $1 <> current_user AND pg_has_role($1, current_user, 'MEMBER') AS member,
            ARRAY(SELECT n.nspname::text FROM pg_namespace n WHERE n.nspname = $2 AND n.nspowner = r.oid
                  UNION ALL SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = to_regnamespace($2) AND c.relowner = r.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  UNION ALL SELECT p.proname::text FROM pg_proc p WHERE p.pronamespace = to_regnamespace($2) AND p.proowner = r.oid) AS owns
       FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = $1`,
    [role, schema],
  );
  const found = rows[0]!;
  if (found.same) return ['GANTRY_MIGRATION_DATABASE_URL connects as the same role'];
  return [
    ...(found.superuser ? ['it is a superuser'] : []),
    ...(found.createrole ? ['it may create roles (CREATEROLE), and so grant itself the owner'] : []),
    ...(found.member ? ['it is a member of the owner role, and may SET ROLE to it'] : []),
    ...(found.owns.length > 0 ? [`it owns ${found.owns.join(', ')} (REASSIGN OWNED BY ${quoteIdentifier(role)} TO the owner, as a superuser)`] : []),
  ];
}

/**
 * PGlite has roles and privileges but one session, shared by every connection, whose user is its superuser: the
 * migrations run as that superuser (RESET ROLE), then the session takes the runtime role (SET ROLE) for everything the
 * services do. It keeps the application's own statements from altering a table, disabling a trigger or moving the
 * ledger head back; it is no barrier to code that sends RESET ROLE itself, nor to whoever can read the data
 * directory, who opens it as the superuser (README, "Database roles").
 */
export async function embeddedRoles(db: Database): Promise<DatabaseRoles> {
  const role = quoteIdentifier(EMBEDDED_RUNTIME_ROLE);
  await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${EMBEDDED_RUNTIME_ROLE}') THEN CREATE ROLE ${role} NOLOGIN; END IF; END $$`);
  await db.query(`SET ROLE ${role}`);
  return {
    separation: 'embedded',
    migrate: async (schema, work) => {
      await db.query('RESET ROLE');
      try {
        await work(db);
        await db.transaction((tx) => grantRuntimeRole(tx, schema, EMBEDDED_RUNTIME_ROLE));
      } finally {
        await db.query(`SET ROLE ${role}`);
      }
    },
  };
}

/**
 * DATABASE_URL alone: the services' role migrates and so owns its tables, as before roles were separated. It still
 * works, and the ledger's signed checkpoints published outside the database still reveal a rewrite, but this role can
 * switch the append-only triggers off: said once, loudly, at start.
 */
export function oneRole(db: Database): DatabaseRoles {
  let warned = false;
  return {
    separation: 'one-role',
    migrate: async (_schema, work) => {
      if (!warned) {
        warned = true;
        logger.warn(
          'DATABASE_URL is the only database connection: the services run as the role that owns their tables, which can ALTER TABLE … DISABLE TRIGGER and rewrite the event stores, the ledger and its head. Set GANTRY_MIGRATION_DATABASE_URL to an owner role and DATABASE_URL to a runtime role (README: "Database roles")',
        );
      }
      await work(db);
    },
  };
}
