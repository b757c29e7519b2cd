import { knownRoles, type KeyDirectory } from '@gantry/auth';
import { eventNameOf, SERVICE_TOPICS, type ApiKeyIssued, type ApiKeyRevoked } from '@gantry/contracts';
import type { Database, Migration, SqlClient } from '@gantry/event-store';
import type { ConsumerSpec } from './consumer-spec';

/**
 * API keys issued by admins (records' ApiKeyIssued / ApiKeyRevoked): every service keeps them in its own schema,
 * from records' topic, so it can authenticate systems without asking another service. Only the sha256 is kept.
 */
export const apiKeyMigrations: Migration[] = [
  {
    id: 'platform/002-api-keys',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".api_keys (
        key_id text PRIMARY KEY,
        name text NOT NULL,
        roles text[] NOT NULL,
        sha256 text NOT NULL UNIQUE,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_by text,
        revoke_reason text,
        last_used_at timestamptz
      )`,
  },
];

/** Keeps the keys from records' topic; a revocation that arrives before its issue still wins. */
export const apiKeysConsumer = (schema: string): ConsumerSpec => ({
  // one group per service: in the embedded default every service of the process keeps its own copy
  name: `${schema}.api-keys`,
  topics: [SERVICE_TOPICS.records],
  accepts: (type) => eventNameOf(type) === 'ApiKeyIssued' || eventNameOf(type) === 'ApiKeyRevoked',
  handle: async (event, tx) => {
    if (eventNameOf(event.type) === 'ApiKeyIssued') {
      const key = event.data as ApiKeyIssued;
      await tx.query(
        `INSERT INTO "${schema}".api_keys (key_id, name, roles, sha256, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key_id) DO UPDATE SET name = EXCLUDED.name, roles = EXCLUDED.roles, sha256 = EXCLUDED.sha256, issued_by = EXCLUDED.issued_by, issued_at = EXCLUDED.issued_at`,
        [key.keyId, key.name, key.roles, key.sha256, key.issuedBy, key.issuedAt],
      );
    } else {
      const revoked = event.data as ApiKeyRevoked;
      // a placeholder row until the issue arrives (its columns are then filled in, the revocation stays)
      await tx.query(
        `INSERT INTO "${schema}".api_keys (key_id, name, roles, sha256, issued_by, issued_at, revoked_at, revoked_by, revoke_reason)
         VALUES ($1, $2, '{}', 'revoked:' || $1, '', $3, $3, $4, $5)
         ON CONFLICT (key_id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, revoked_by = EXCLUDED.revoked_by, revoke_reason = EXCLUDED.revoke_reason`,
        [revoked.keyId, revoked.name, revoked.revokedAt, revoked.revokedBy, revoked.reason],
      );
    }
  },
});

/** How often a key's last use is written at most: a busy system does not turn every request into a write. */
const LAST_USE_RESOLUTION = "interval '1 minute'";
const LAST_USE_RESOLUTION_MS = 60_000;

export const apiKeyDirectory = (db: Database, schema: string): KeyDirectory => {
  // the last use this process wrote, per key: a busy system costs one write a minute, not a statement per request
  const written = new Map<string, number>();
  return {
    find: async (sha256) => {
      const { rows } = await db.query<{ key_id: string; name: string; roles: string[] }>(
        `SELECT key_id, name, roles FROM "${schema}".api_keys WHERE sha256 = $1 AND revoked_at IS NULL`,
        [sha256],
      );
      return rows[0] ? { keyId: rows[0].key_id, name: rows[0].name, roles: knownRoles(rows[0].roles) } : undefined;
    },
    used: async (keyId) => {
      if (Date.now() - (written.get(keyId) ?? 0) < LAST_USE_RESOLUTION_MS) return;
      written.set(keyId, Date.now());
      await db.query(`UPDATE "${schema}".api_keys SET last_used_at = now() WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < now() - ${LAST_USE_RESOLUTION})`, [keyId]);
    },
  };
};

export interface ApiKeyView {
  keyId: string;
  name: string;
  roles: string[];
  issuedBy: string;
  issuedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  lastUsedAt: string | null;
}

export async function listApiKeys(client: SqlClient, schema: string): Promise<ApiKeyView[]> {
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT key_id, name, roles, issued_by, issued_at, revoked_at, revoked_by, revoke_reason, last_used_at FROM "${schema}".api_keys WHERE issued_by <> '' ORDER BY issued_at, key_id`,
  );
  const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
  return rows.map((r) => ({
    keyId: String(r.key_id),
    name: String(r.name),
    roles: r.roles as string[],
    issuedBy: String(r.issued_by),
    issuedAt: iso(r.issued_at)!,
    revokedAt: iso(r.revoked_at),
    revokedBy: (r.revoked_by as string | null) ?? null,
    revokeReason: (r.revoke_reason as string | null) ?? null,
    lastUsedAt: iso(r.last_used_at),
  }));
}
