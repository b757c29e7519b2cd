import type { IncidentLinked } from '@gantry/contracts';
import type { Database, SqlClient } from '@gantry/event-store';
import { projectDeploymentRecord, projectEnvironmentKind, type DeploymentRecord } from '../deployment-records';
import { projectServiceEntry } from '../communications';
import { projectAuditFinding } from '../findings';
import { projectIncident } from '../incidents';
import { ledgerPages, type LedgerEntry } from '../ledger';
import { projectSatisfactionResponse } from '../satisfaction';

/** The tables a rebuild empties and refills from the ledger. */
export const PROJECTION_TABLES = ['deployment_records', 'environment_timeline', 'environment_kinds', 'incidents', 'audit_findings', 'satisfaction_responses', 'service_catalogue'] as const;

export interface Projected {
  /** the deployment record the entry was folded into, if it names a deployment */
  record?: DeploymentRecord;
  /** the incident link the entry made, if it is one */
  incident?: IncidentLinked;
}

/**
 * Folds one ledger entry into every projection, in the caller's transaction. The live writer and the rebuild both
 * call this and nothing else, so a rebuild gives the live projections back.
 */
export async function projectEntry(tx: SqlClient, schema: string, entry: LedgerEntry): Promise<Projected> {
  await projectEnvironmentKind(tx, schema, entry);
  await projectServiceEntry(tx, schema, entry);
  const record = entry.deploymentId ? await projectDeploymentRecord(tx, schema, { ...entry, deploymentId: entry.deploymentId }) : undefined;
  const incident = await projectIncident(tx, schema, entry);
  await projectAuditFinding(tx, schema, entry);
  await projectSatisfactionResponse(tx, schema, entry);
  return { ...(record ? { record } : {}), ...(incident ? { incident } : {}) };
}

/**
 * Empties every projection and folds the whole ledger into it again, in one transaction that holds the ledger head
 * (the live writer waits, so no entry is folded twice or missed). Returns how many entries were folded.
 */
export async function rebuildProjections(db: Database, schema: string): Promise<{ entries: number; position: number }> {
  return db.transaction(async (tx) => {
    const head = await tx.query<{ position: string }>(`SELECT position FROM ${schema}.ledger_head FOR UPDATE`);
    await tx.query(`TRUNCATE ${PROJECTION_TABLES.map((t) => `${schema}.${t}`).join(', ')}`);
    let entries = 0;
    for await (const page of ledgerPages(tx, schema, { from: 1 })) {
      for (const entry of page) await projectEntry(tx, schema, entry);
      entries += page.length;
    }
    return { entries, position: Number(head.rows[0].position) };
  });
}
