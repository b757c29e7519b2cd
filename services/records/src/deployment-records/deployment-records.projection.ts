import { eventNameOf, type DeploymentRecordClosed } from '@gantry/contracts';
import { transactionMemo, type Migration, type SqlClient } from '@gantry/event-store';
import { readDeploymentEntries, type LedgerEntry } from '../ledger';
import { environmentAsOf, recordAsOf, type DeployedService } from './as-of';
import { emptyRecord, evolveRecord, type DeploymentRecord } from './deployment-record.decider';

/**
 * The live read model of deployment records, updated in the same transaction as the ledger entry it folds, with a
 * column (and an index) per audit filter; and the environment timeline: each success closed in an environment, so
 * an environment's state as of a time folds only the deployments that stood there, not every one ever requested.
 */
export const deploymentRecordsMigrations: Migration[] = [
  {
    id: 'records-002-deployment-records',
    up: (schema) => `
      CREATE TABLE ${schema}.deployment_records (
        deployment_id text PRIMARY KEY,
        record jsonb NOT NULL,
        last_position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    id: 'records-003-deployment-record-filters',
    up: (schema) => `
      ALTER TABLE ${schema}.deployment_records
        ADD COLUMN first_position bigint,
        ADD COLUMN change_id text,
        ADD COLUMN release_id text,
        ADD COLUMN service text,
        ADD COLUMN environment text,
        ADD COLUMN outcome text,
        ADD COLUMN requested_at timestamptz;
      UPDATE ${schema}.deployment_records SET first_position = last_position,
        change_id = record->>'changeId', release_id = record->>'releaseId', service = record->>'service',
        environment = record->>'environment', outcome = record->>'outcome', requested_at = (record->>'requestedAt')::timestamptz;
      ALTER TABLE ${schema}.deployment_records ALTER COLUMN first_position SET NOT NULL;
      CREATE INDEX deployment_records_position ON ${schema}.deployment_records (first_position);
      CREATE INDEX deployment_records_change ON ${schema}.deployment_records (change_id, first_position);
      CREATE INDEX deployment_records_release ON ${schema}.deployment_records (release_id, first_position);
      CREATE INDEX deployment_records_service ON ${schema}.deployment_records (service, first_position);
      CREATE INDEX deployment_records_environment ON ${schema}.deployment_records (environment, first_position);
      CREATE INDEX deployment_records_outcome ON ${schema}.deployment_records (outcome, first_position);
      CREATE INDEX deployment_records_requested ON ${schema}.deployment_records (requested_at, first_position);
      CREATE TABLE ${schema}.environment_timeline (
        environment text NOT NULL,
        service text NOT NULL,
        deployment_id text NOT NULL,
        kind text,
        closed_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (environment, service, deployment_id)
      );
      CREATE INDEX environment_timeline_latest ON ${schema}.environment_timeline (environment, service, recorded_at, closed_at);`,
  },
  {
    // the monitoring period's status (in-monitoring, clean, regressed, inconclusive), a filter of the list
    id: 'records-015-deployment-monitoring',
    up: (schema) => `
      ALTER TABLE ${schema}.deployment_records ADD COLUMN monitoring text;
      UPDATE ${schema}.deployment_records SET monitoring = record->'monitoring'->>'status';
      CREATE INDEX deployment_records_monitoring ON ${schema}.deployment_records (monitoring, first_position);`,
  },
  {
    // the chained promotion a deployment is a stage of: a filter of the list, and GET /audit/chains/:chainId
    id: 'records-chain-of-deployment',
    up: (schema) => `
      ALTER TABLE ${schema}.deployment_records ADD COLUMN chain_id text;
      UPDATE ${schema}.deployment_records SET chain_id = record->'chain'->>'chainId';
      CREATE INDEX deployment_records_chain ON ${schema}.deployment_records (chain_id, first_position);`,
  },
];

/** Folds one ledger entry into the record of the deployment it names. */
export async function projectDeploymentRecord(tx: SqlClient, schema: string, entry: LedgerEntry & { deploymentId: string }): Promise<DeploymentRecord> {
  // a transaction that folds several entries of one deployment (a consumer's batch) reads its record, which it then
  // holds locked, once: later entries fold into the text it wrote
  const memo = transactionMemo(tx);
  const memoKey = `${schema}.deployment_records/${entry.deploymentId}`;
  const written = memo?.get(memoKey) as string | undefined;
  const current = written === undefined ? (await tx.query<{ record: DeploymentRecord }>(`SELECT record FROM ${schema}.deployment_records WHERE deployment_id = $1 FOR UPDATE`, [entry.deploymentId])).rows[0]?.record : (JSON.parse(written) as DeploymentRecord);
  const record = evolveRecord(current ?? emptyRecord(entry.deploymentId), entry.event);
  const text = JSON.stringify(record);
  await tx.query(
    `INSERT INTO ${schema}.deployment_records (deployment_id, record, first_position, last_position, change_id, release_id, service, environment, outcome, requested_at, monitoring, chain_id)
     VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (deployment_id) DO UPDATE SET record = EXCLUDED.record, last_position = EXCLUDED.last_position, change_id = EXCLUDED.change_id,
       release_id = EXCLUDED.release_id, service = EXCLUDED.service, environment = EXCLUDED.environment, outcome = EXCLUDED.outcome,
       requested_at = EXCLUDED.requested_at, monitoring = EXCLUDED.monitoring, chain_id = EXCLUDED.chain_id, updated_at = now()`,
    [
      entry.deploymentId,
      text,
      entry.position,
      record.changeId ?? null,
      record.releaseId ?? null,
      record.service ?? null,
      record.environment ?? null,
      record.outcome ?? null,
      record.requestedAt ?? null,
      record.monitoring?.status ?? null,
      record.chain?.chainId ?? null,
    ],
  );
  memo?.set(memoKey, text);
  if (eventNameOf(entry.event.type) === 'DeploymentRecordClosed') {
    const closed = entry.event.data as DeploymentRecordClosed;
    if (closed.outcome === 'succeeded') {
      await tx.query(
        `INSERT INTO ${schema}.environment_timeline (environment, service, deployment_id, kind, closed_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [closed.environment, closed.service, closed.deploymentId, record.kind ?? null, closed.closedAt, entry.recordedAt],
      );
    }
  }
  return record;
}

export async function readDeploymentRecord(client: SqlClient, schema: string, deploymentId: string): Promise<DeploymentRecord | undefined> {
  return (await readFoldedRecord(client, schema, deploymentId))?.record;
}

/** The record and the ledger position of the last entry folded into it. */
export async function readFoldedRecord(client: SqlClient, schema: string, deploymentId: string): Promise<{ record: DeploymentRecord; lastPosition: number } | undefined> {
  const result = await client.query<{ record: DeploymentRecord; last_position: string }>(`SELECT record, last_position FROM ${schema}.deployment_records WHERE deployment_id = $1`, [deploymentId]);
  const row = result.rows[0];
  return row && { record: row.record, lastPosition: Number(row.last_position) };
}

/** The deployments of a change, for an incident linked to the change. */
export async function deploymentsOfChange(client: SqlClient, schema: string, changeId: string): Promise<string[]> {
  const result = await client.query<{ deployment_id: string }>(`SELECT deployment_id FROM ${schema}.deployment_records WHERE change_id = $1`, [changeId]);
  return result.rows.map((r) => r.deployment_id);
}

/**
 * The deployments that may stand in an environment at `asOf`: per service (or for `service` alone), the last success
 * the ledger had closed by then (a removal included: it takes the service out). Served by the environment_timeline index.
 */
export async function deploymentsStandingIn(client: SqlClient, schema: string, environment: string, asOf: string, service?: string): Promise<string[]> {
  const result = await client.query<{ deployment_id: string }>(
    `SELECT DISTINCT ON (service) deployment_id FROM ${schema}.environment_timeline
     WHERE environment = $1 AND recorded_at <= $2 ${service === undefined ? '' : 'AND service = $3'} ORDER BY service, closed_at DESC, recorded_at DESC`,
    service === undefined ? [environment, asOf] : [environment, asOf, service],
  );
  return result.rows.map((r) => r.deployment_id);
}

/**
 * What stood in an environment at `asOf`, per service (or for `service` alone): only the deployments the environment
 * timeline names are folded (one per service), each from the entries the ledger held then.
 */
export async function environmentStateAsOf(client: SqlClient, schema: string, environment: string, asOf: string, service?: string): Promise<DeployedService[]> {
  const records = [];
  for (const deploymentId of await deploymentsStandingIn(client, schema, environment, asOf, service)) {
    const rebuilt = recordAsOf(deploymentId, await readDeploymentEntries(client, schema, deploymentId), asOf);
    if (rebuilt) records.push(rebuilt.record);
  }
  return environmentAsOf(records);
}

export interface DeploymentFilter {
  changeId?: string;
  releaseId?: string;
  service?: string;
  environment?: string;
  outcome?: string;
  /** the monitoring period's status: `in-monitoring` until it ends, then its verdict */
  monitoring?: string;
  /** the chained promotion the deployment is a stage of */
  chainId?: string;
  /** requested at or after / before */
  from?: string;
  to?: string;
}

/**
 * A page of deployment records, newest first (by the ledger position of their first entry), after `before` (the
 * keyset cursor: the position of the last record of the previous page).
 */
export async function listDeploymentRecords(client: SqlClient, schema: string, filter: DeploymentFilter, page: { before?: number; limit: number }) {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const where = (sql: string, value: unknown) => {
    values.push(value);
    conditions.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.changeId !== undefined) where('change_id = ?', filter.changeId);
  if (filter.releaseId !== undefined) where('release_id = ?', filter.releaseId);
  if (filter.service !== undefined) where('service = ?', filter.service);
  if (filter.environment !== undefined) where('environment = ?', filter.environment);
  if (filter.outcome !== undefined) where('outcome = ?', filter.outcome);
  if (filter.monitoring !== undefined) where('monitoring = ?', filter.monitoring);
  if (filter.chainId !== undefined) where('chain_id = ?', filter.chainId);
  if (filter.from !== undefined) where('requested_at >= ?', filter.from);
  if (filter.to !== undefined) where('requested_at < ?', filter.to);
  if (page.before !== undefined) where('first_position < ?', page.before);
  values.push(page.limit + 1);
  const matching = `FROM ${schema}.deployment_records ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY first_position DESC LIMIT $${values.length}`;
  // Newest first, the planner walks the position index and filters, which is quick while matches come early. Below a
  // `to` it must first pass every record requested after it (20 ms for a week three months back among 10,000
  // records): the page's positions come first from the (requested_at, first_position) index, then its records.
  const rows = await client.query<{ record: DeploymentRecord; first_position: string }>(
    filter.to === undefined
      ? `SELECT record, first_position ${matching}`
      : `SELECT record, first_position FROM ${schema}.deployment_records WHERE first_position IN (SELECT first_position ${matching}) ORDER BY first_position DESC`,
    values,
  );
  const more = rows.rows.length > page.limit;
  const shown = rows.rows.slice(0, page.limit);
  return { records: shown.map((r) => r.record), nextBefore: more ? Number(shown[shown.length - 1].first_position) : undefined };
}

/** The records of a chained promotion's stages requested so far. */
export async function readChainRecords(client: SqlClient, schema: string, chainId: string): Promise<DeploymentRecord[]> {
  const result = await client.query<{ record: DeploymentRecord }>(`SELECT record FROM ${schema}.deployment_records WHERE chain_id = $1 ORDER BY first_position LIMIT 20`, [chainId]);
  return result.rows.map((r) => r.record);
}
