import type { SubscriptionFilter, WebhookSubscriptionCreated } from '@gantry/contracts';
import { transactionMemo, type Migration, type SqlClient } from '@gantry/event-store';
import type { SubscriptionEvent } from './subscription.decider';

/**
 * Webhook subscriptions as deliveries need them: the whole URL and the signing secret, which no event carries (a
 * URL's path may hold the receiver's token; the secret is shown once, to the caller who subscribed). Written by the
 * command path in the same transaction as the subscription's events; deleting one forgets its secret.
 */
export const subscriptionMigrations: Migration[] = [
  {
    id: 'records-webhook-subscriptions',
    up: (schema) => `
      CREATE TABLE ${schema}.webhook_subscriptions (
        subscription_id text PRIMARY KEY,
        owner text NOT NULL,
        url text NOT NULL,
        events jsonb NOT NULL,
        filter jsonb,
        description text,
        secret text,
        status text NOT NULL,
        status_reason text,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX webhook_subscriptions_owner ON ${schema}.webhook_subscriptions (owner, created_at);
      CREATE INDEX webhook_subscriptions_active ON ${schema}.webhook_subscriptions (status) WHERE status = 'active';`,
  },
];

export type SubscriptionStatus = 'active' | 'disabled' | 'deleted';

export interface Subscription {
  subscriptionId: string;
  owner: string;
  url: string;
  events: string[];
  filter?: SubscriptionFilter;
  description?: string;
  status: SubscriptionStatus;
  statusReason?: string;
  createdAt: string;
}

/** What the command path keeps beside a new subscription's event. */
export interface SubscriptionSecrets {
  url: string;
  secret: string;
}

export async function keepSubscription(tx: SqlClient, schema: string, events: readonly SubscriptionEvent[], secrets?: SubscriptionSecrets): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'WebhookSubscriptionCreated': {
        const s: WebhookSubscriptionCreated = event.data;
        if (!secrets) throw new Error('a new subscription is kept with its URL and secret');
        await tx.query(
          `INSERT INTO ${schema}.webhook_subscriptions (subscription_id, owner, url, events, filter, description, secret, status, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8)`,
          [s.subscriptionId, s.owner, secrets.url, JSON.stringify(s.events), s.filter ? JSON.stringify(s.filter) : null, s.description ?? null, secrets.secret, s.createdAt],
        );
        break;
      }
      case 'WebhookSubscriptionDeleted':
        await tx.query(`UPDATE ${schema}.webhook_subscriptions SET status = 'deleted', status_reason = $2, secret = NULL WHERE subscription_id = $1`, [event.data.subscriptionId, `deleted by ${event.data.deletedBy}`]);
        break;
      case 'WebhookSubscriptionDisabled':
        await tx.query(`UPDATE ${schema}.webhook_subscriptions SET status = 'disabled', status_reason = $2 WHERE subscription_id = $1 AND status = 'active'`, [event.data.subscriptionId, event.data.reason]);
        break;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  }
}

interface SubscriptionRow {
  subscription_id: string;
  owner: string;
  url: string;
  events: string[];
  filter: SubscriptionFilter | null;
  description: string | null;
  status: SubscriptionStatus;
  status_reason: string | null;
  created_at: Date;
}

const COLUMNS = 'subscription_id, owner, url, events, filter, description, status, status_reason, created_at';

const subscriptionOfRow = (r: SubscriptionRow): Subscription => ({
  subscriptionId: r.subscription_id,
  owner: r.owner,
  url: r.url,
  events: r.events,
  ...(r.filter ? { filter: r.filter } : {}),
  ...(r.description ? { description: r.description } : {}),
  status: r.status,
  ...(r.status_reason ? { statusReason: r.status_reason } : {}),
  createdAt: new Date(r.created_at).toISOString(),
});

/** `owner` undefined: everyone's (an admin's view). Deleted subscriptions are not listed. */
export async function subscriptionsOf(db: SqlClient, schema: string, owner: string | undefined): Promise<Subscription[]> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM ${schema}.webhook_subscriptions WHERE status <> 'deleted' AND ($1::text IS NULL OR owner = $1) ORDER BY created_at, subscription_id LIMIT 1000`,
    [owner ?? null],
  );
  return rows.map(subscriptionOfRow);
}

/** The subscription, if it exists, is not deleted and `owner` (when given) owns it: anyone else's is as good as absent. */
export async function subscriptionOf(db: SqlClient, schema: string, subscriptionId: string, owner: string | undefined): Promise<Subscription | undefined> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM ${schema}.webhook_subscriptions WHERE subscription_id = $1 AND status <> 'deleted' AND ($2::text IS NULL OR owner = $2)`,
    [subscriptionId, owner ?? null],
  );
  return rows[0] ? subscriptionOfRow(rows[0]) : undefined;
}

/** How many subscriptions the owner holds, under a lock on the owner so two racing requests count each other. */
export async function ownersSubscriptions(tx: SqlClient, schema: string, owner: string): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`webhook-subscriptions:${owner}`]);
  const { rows } = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.webhook_subscriptions WHERE owner = $1 AND status <> 'deleted'`, [owner]);
  return Number(rows[0].n);
}

export async function activeSubscriptions(tx: SqlClient, schema: string): Promise<Subscription[]> {
  // read once per transaction: a consumer's batch of entries is owed to the subscriptions its first entry saw
  const memo = transactionMemo(tx);
  const memoKey = `${schema}.webhook_subscriptions/active`;
  const remembered = memo?.get(memoKey) as Subscription[] | undefined;
  if (remembered) return remembered;
  const { rows } = await tx.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM ${schema}.webhook_subscriptions WHERE status = 'active'`);
  const subscriptions = rows.map(subscriptionOfRow);
  memo?.set(memoKey, subscriptions);
  return subscriptions;
}

/** The secret of a subscription not deleted, for a retried creation's answer only. */
export async function secretOf(db: SqlClient, schema: string, subscriptionId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ secret: string | null }>(`SELECT secret FROM ${schema}.webhook_subscriptions WHERE subscription_id = $1`, [subscriptionId]);
  return rows[0]?.secret ?? undefined;
}
