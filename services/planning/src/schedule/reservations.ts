import type { DeploymentWindowReserved, DeploymentWindowReleased } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';

/**
 * The forward schedule: the windows planned deployments hold. A deployment's reservation is an event of its own
 * stream (`DeploymentWindowReserved`, `DeploymentWindowReleased`); this module keeps them as a table, written in the
 * transaction that appends them, and guards the rule that two deployments holding overlapping windows share no
 * service and no target (reservation-conflicts.ts).
 *
 * The guard: a decision that reserves locks the keys its reservation holds (its service and each target, in its
 * environment) before it reads the reservations holding those keys, so two requests that could conflict are decided
 * one after the other, and requests that cannot conflict run side by side. One stream per environment did the same
 * by its version, but every request into an environment raced for it and read all of its history.
 */
export type ReservationEvent =
  | { type: 'DeploymentWindowReserved'; data: DeploymentWindowReserved }
  | { type: 'DeploymentWindowReleased'; data: DeploymentWindowReleased };

/** Which keys a reservation would hold: a service and its targets in one environment. */
export interface ReservationKeys {
  environment: string;
  service: string;
  targets: readonly string[];
}

/**
 * Past this many targets a decision locks the whole environment instead of each target: every lock takes a slot of
 * PostgreSQL's shared lock table (64 per connection by default).
 */
const MOST_TARGET_LOCKS = 32;

export const scheduleMigrations: readonly Migration[] = [
  {
    id: 'planning-schedule-1',
    // Filled from the log: a deployment holds a window when its latest reservation event is a reservation.
    up: (schema) => `
      CREATE TABLE "${schema}".reservations (
        deployment_id text PRIMARY KEY,
        environment text NOT NULL,
        service text NOT NULL,
        targets text[] NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        reservation jsonb NOT NULL
      );
      CREATE INDEX reservations_service ON "${schema}".reservations (environment, service);
      CREATE INDEX reservations_targets ON "${schema}".reservations USING gin (targets);
      CREATE INDEX reservations_window ON "${schema}".reservations (environment, window_start);
      INSERT INTO "${schema}".reservations (deployment_id, environment, service, targets, window_start, window_end, reservation)
      SELECT r.data->>'deploymentId', r.data->>'environment', r.data->>'service',
        ARRAY(SELECT jsonb_array_elements_text(r.data->'targets')),
        (r.data->'window'->>'start')::timestamptz, (r.data->'window'->>'end')::timestamptz, r.data
      FROM (
        SELECT DISTINCT ON (data->>'deploymentId') event_type, data FROM "${schema}".events
        WHERE event_type IN ('DeploymentWindowReserved', 'DeploymentWindowReleased')
        ORDER BY data->>'deploymentId', position DESC
      ) AS r
      WHERE r.event_type = 'DeploymentWindowReserved';`,
  },
];

/**
 * Locks the keys of a reservation about to be decided, until the transaction ends. Every decision takes the
 * environment's lock first (shared, or exclusive past MOST_TARGET_LOCKS targets), then the others in one order,
 * so two decisions never wait on each other in a circle. Keys are hashed into advisory lock ids: a collision
 * only makes two decisions wait for each other.
 */
export async function lockReservationKeys(tx: SqlClient, schema: string, keys: ReservationKeys): Promise<void> {
  const scope = `${schema}.reservations:${keys.environment}`;
  if (keys.targets.length > MOST_TARGET_LOCKS) {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [scope]);
    return;
  }
  const each = [`service:${keys.service}`, ...keys.targets.map((t) => `target:${t}`)].map((key) => `${scope}:${key}`);
  await tx.query('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [scope]);
  await tx.query(`SELECT count(pg_advisory_xact_lock(id)) FROM (SELECT DISTINCT hashtextextended(key, 0) AS id FROM unnest($1::text[]) AS key ORDER BY 1) AS ids`, [each]);
}

/** The reservations holding any of the keys (all of the environment's when the keys cover more targets than are locked one by one). */
export async function reservationsHolding(client: SqlClient, schema: string, keys: ReservationKeys): Promise<DeploymentWindowReserved[]> {
  const everything = keys.targets.length > MOST_TARGET_LOCKS;
  const { rows } = await client.query<{ reservation: DeploymentWindowReserved }>(
    `SELECT reservation FROM "${schema}".reservations
     WHERE environment = $1 AND ($2 OR service = $3 OR targets && $4::text[])
     ORDER BY window_start, deployment_id`,
    [keys.environment, everything, keys.service, keys.targets],
  );
  return rows.map((r) => r.reservation);
}

/** The reservations of an environment held by any of `services`. */
export async function reservationsOfServices(client: SqlClient, schema: string, environment: string, services: readonly string[]): Promise<DeploymentWindowReserved[]> {
  if (services.length === 0) return [];
  const { rows } = await client.query<{ reservation: DeploymentWindowReserved }>(
    `SELECT reservation FROM "${schema}".reservations WHERE environment = $1 AND service = ANY($2::text[]) ORDER BY window_start, deployment_id`,
    [environment, services],
  );
  return rows.map((r) => r.reservation);
}

/** The reservations of an environment whose windows overlap [from, to). */
export async function reservationsBetween(client: SqlClient, schema: string, environment: string, from: Date, to: Date): Promise<DeploymentWindowReserved[]> {
  const { rows } = await client.query<{ reservation: DeploymentWindowReserved }>(
    `SELECT reservation FROM "${schema}".reservations
     WHERE environment = $1 AND window_start < $3 AND window_end > $2
     ORDER BY window_start, deployment_id`,
    [environment, from, to],
  );
  return rows.map((r) => r.reservation);
}

/** Keeps the table in step with the reservation events just appended, in the same transaction. */
export async function applyReservationEvents(tx: SqlClient, schema: string, events: readonly { type: string; data: unknown }[]): Promise<void> {
  for (const event of events) {
    if (event.type === 'DeploymentWindowReserved') {
      const r = event.data as DeploymentWindowReserved;
      await tx.query(
        `INSERT INTO "${schema}".reservations (deployment_id, environment, service, targets, window_start, window_end, reservation)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (deployment_id) DO UPDATE SET environment = EXCLUDED.environment, service = EXCLUDED.service, targets = EXCLUDED.targets,
           window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, reservation = EXCLUDED.reservation`,
        [r.deploymentId, r.environment, r.service, r.targets, r.window.start, r.window.end, JSON.stringify(r)],
      );
    } else if (event.type === 'DeploymentWindowReleased') {
      await tx.query(`DELETE FROM "${schema}".reservations WHERE deployment_id = $1`, [(event.data as DeploymentWindowReleased).deploymentId]);
    }
  }
}
