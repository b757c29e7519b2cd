import type { Migration, SqlClient } from '@gantry/event-store';

/**
 * Witnesses' cosignatures of the ledger's checkpoints (c2sp.org/tlog-cosignature), each verified with the witness's
 * configured key before it is stored: append-only, one per checkpoint and witness. A checkpoint is served with them
 * appended to the log's signed note, as further signature lines.
 */
export const ledgerCosignatureMigrations: Migration[] = [
  {
    id: 'records-012-ledger-cosignatures',
    up: (schema) => `
      CREATE TABLE ${schema}.ledger_cosignatures (
        tree_size bigint NOT NULL REFERENCES ${schema}.ledger_checkpoints (tree_size),
        witness_key text NOT NULL,
        cosigned_at timestamptz NOT NULL,
        signature_line text NOT NULL,
        PRIMARY KEY (tree_size, witness_key)
      );
      CREATE INDEX ledger_cosignatures_witness ON ${schema}.ledger_cosignatures (witness_key, tree_size);
      CREATE TRIGGER ledger_cosignatures_append_only BEFORE UPDATE OR DELETE ON ${schema}.ledger_cosignatures FOR EACH ROW EXECUTE FUNCTION ${schema}.ledger_is_append_only();
      CREATE TRIGGER ledger_cosignatures_no_truncate BEFORE TRUNCATE ON ${schema}.ledger_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.ledger_is_append_only();
    `,
  },
];

/** The checkpoint `alias` as served: the log's signed note with every stored cosignature line after its signature. */
export const servedNoteSql = (schema: string, alias: string): string =>
  `${alias}.note || coalesce((SELECT string_agg(s.signature_line, '' ORDER BY s.witness_key) FROM ${schema}.ledger_cosignatures s WHERE s.tree_size = ${alias}.tree_size), '')`;

export interface StoredCosignature {
  treeSize: number;
  /** the witness's verifier key, as configured */
  witnessKey: string;
  /** when the witness says it cosigned, seconds since the Unix epoch */
  timestamp: number;
  /** `— <witness name> <base64(key ID ‖ timestamp ‖ signature)>\n` */
  signatureLine: string;
}

export async function storeCosignature(client: SqlClient, schema: string, c: StoredCosignature): Promise<void> {
  await client.query(
    `INSERT INTO ${schema}.ledger_cosignatures (tree_size, witness_key, cosigned_at, signature_line) VALUES ($1, $2, to_timestamp($3), $4) ON CONFLICT (tree_size, witness_key) DO NOTHING`,
    [c.treeSize, c.witnessKey, c.timestamp, c.signatureLine],
  );
}

/** The largest tree size the witness cosigned (0 when none): the old size of the next request to it. */
export async function latestCosignedSize(client: SqlClient, schema: string, witnessKey: string): Promise<number> {
  const row = (await client.query<{ size: string | null }>(`SELECT max(tree_size) AS size FROM ${schema}.ledger_cosignatures WHERE witness_key = $1`, [witnessKey])).rows[0];
  return Number(row?.size ?? 0);
}
