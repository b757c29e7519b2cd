import type { BlueGreenSide } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import { planOf, type DeploymentRun, type RunEvent } from './deployment-run.state';

/**
 * `live_sides`: blue-green's side serving each service in each environment, as execution's own runs last switched it
 * (forward, or back in a rollback). Kept in the transaction of the switch; the next run is prepared beside it.
 */
export const liveSideMigrations: Migration[] = [
  {
    id: 'execution/003-live-sides',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS ${schema}.live_sides (
        environment text NOT NULL, service text NOT NULL, side text NOT NULL, deployment_id text NOT NULL, switched_at timestamptz NOT NULL,
        PRIMARY KEY (environment, service)
      );
    `,
  },
];

/** Records the side the run's last traffic switch, if it just made one, left live. */
export async function keepLiveSide(tx: SqlClient, schema: string, events: readonly RunEvent[], run: DeploymentRun): Promise<void> {
  const switched = events.findLast((e) => e.type === 'TrafficSwitched');
  const plan = planOf(run);
  if (switched?.type !== 'TrafficSwitched' || !plan) return;
  await tx.query(
    `INSERT INTO ${schema}.live_sides (environment, service, side, deployment_id, switched_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (environment, service) DO UPDATE SET side = EXCLUDED.side, deployment_id = EXCLUDED.deployment_id, switched_at = EXCLUDED.switched_at`,
    [plan.environment, plan.service, switched.data.to, switched.data.deploymentId, switched.data.switchedAt],
  );
}

/** The side serving the service in the environment; none before its first blue-green switch. */
export async function liveSideOf(client: SqlClient, schema: string, environment: string, service: string): Promise<BlueGreenSide | undefined> {
  const { rows } = await client.query<{ side: BlueGreenSide }>(`SELECT side FROM ${schema}.live_sides WHERE environment = $1 AND service = $2`, [environment, service]);
  return rows[0]?.side;
}
