import type { EventStore, Migration, SqlClient } from '@gantry/event-store';
import { executeCommand, type CommandOrigin } from '@gantry/platform';
import { deploymentVerificationDecider, verificationStream } from './deployment-verification.decider';

/**
 * Which verified deployments use which component versions and keys, and whose runs are over: what a withdrawal or a
 * key revocation needs to find the deployments it must revoke (verified, run not over: execution stops one that has
 * not started and holds one in flight at its next wave boundary).
 */
export const revocationsMigrations: Migration[] = [
  {
    id: 'verification/002-component-uses',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".component_uses (
        deployment_id text NOT NULL,
        name text NOT NULL,
        version text NOT NULL,
        key_id text,
        PRIMARY KEY (deployment_id, name, version)
      );
      CREATE INDEX IF NOT EXISTS component_uses_version ON "${schema}".component_uses (name, version);
      CREATE INDEX IF NOT EXISTS component_uses_key ON "${schema}".component_uses (key_id);
      CREATE TABLE IF NOT EXISTS "${schema}".started_deployments (deployment_id text PRIMARY KEY)`,
  },
  {
    // a run in flight is revoked too since 005; the deployments noted as started before are kept as over
    id: 'verification/005-runs-over',
    up: (schema) => `ALTER TABLE "${schema}".started_deployments RENAME TO runs_over`,
  },
];

export class Revocations {
  constructor(private readonly store: EventStore) {}

  private get schema() {
    return this.store.schema;
  }

  async recordUses(tx: SqlClient, deploymentId: string, uses: readonly { name: string; version: string; keyId?: string }[]): Promise<void> {
    for (const use of uses) {
      await tx.query(`INSERT INTO "${this.schema}".component_uses (deployment_id, name, version, key_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        deploymentId,
        use.name,
        use.version,
        use.keyId ?? null,
      ]);
    }
  }

  async recordRunOver(tx: SqlClient, deploymentId: string): Promise<void> {
    await tx.query(`INSERT INTO "${this.schema}".runs_over (deployment_id) VALUES ($1) ON CONFLICT DO NOTHING`, [deploymentId]);
  }

  /** A version was withdrawn: every deployment verified with it whose run is not over is revoked. */
  async versionWithdrawn(tx: SqlClient, name: string, version: string, origin: CommandOrigin): Promise<void> {
    await this.revoke(tx, `u.name = $1 AND u.version = $2`, [name, version], 'Withdrawn', origin);
  }

  /** A key was revoked: every deployment verified with a version it signed whose run is not over is revoked. */
  async keyRevoked(tx: SqlClient, keyId: string, origin: CommandOrigin): Promise<void> {
    await this.revoke(tx, `u.key_id = $1`, [keyId], 'KeyRevoked', origin);
  }

  private async revoke(tx: SqlClient, where: string, params: unknown[], reason: 'Withdrawn' | 'KeyRevoked', origin: CommandOrigin): Promise<void> {
    const { rows } = await tx.query<{ deployment_id: string; name: string; version: string }>(
      `SELECT u.deployment_id, u.name, u.version FROM "${this.schema}".component_uses u
       WHERE ${where} AND NOT EXISTS (SELECT 1 FROM "${this.schema}".runs_over s WHERE s.deployment_id = u.deployment_id)
       ORDER BY u.deployment_id`,
      params,
    );
    const byDeployment = new Map<string, { name: string; version: string; reason: typeof reason }[]>();
    for (const row of rows) byDeployment.set(row.deployment_id, [...(byDeployment.get(row.deployment_id) ?? []), { name: row.name, version: row.version, reason }]);
    for (const [deploymentId, components] of byDeployment) {
      await executeCommand(this.store, deploymentVerificationDecider, verificationStream(deploymentId), { type: 'RevokeComponents', deploymentId, components, now: origin.now.toISOString() }, origin, tx);
    }
  }
}
