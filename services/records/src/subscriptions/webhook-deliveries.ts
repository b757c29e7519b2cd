import { eventNameOf } from '@gantry/contracts';
import type { EventStore, Migration, SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import {
  actingOnItsOwn,
  ConfigurationError,
  executeCommand,
  postWebhook,
  scheduleTimer,
  WEBHOOK_SIGNATURE_HEADER,
  webhookAllowedHosts,
  webhookSignature,
  wholeNumberSetting,
  type Clock,
  type TimerHandler,
  type WebhookDestinationPolicy,
} from '@gantry/platform';
import type { DeploymentRecord } from '../deployment-records';
import type { LedgerEntry } from '../ledger';
import { selects } from './event-selection';
import { subscriptionDecider, subscriptionStream } from './subscription.decider';
import { activeSubscriptions, keepSubscription } from './subscriptions.table';

/**
 * A delivery: one ledger entry's event owed to one subscription, recorded in the ledger writer's transaction with the
 * entry (so none is lost or made twice) and attempted by a due timer (`webhook-delivery`), which survives a restart.
 * Its id, `<subscriptionId>:<eventId>`, is the `Idempotency-Key` of every attempt. Statuses: `pending` (attempted
 * until it succeeds or gives up), `delivered` (a 2xx), `dead` (given up after GANTRY_WEBHOOK_GIVE_UP_HOURS), `cancelled`
 * (its subscription was deleted or disabled, or the receiver answered 410 Gone).
 */
export const deliveryMigrations: Migration[] = [
  {
    id: 'records-webhook-deliveries',
    up: (schema) => `
      CREATE TABLE ${schema}.webhook_deliveries (
        delivery_id text PRIMARY KEY,
        subscription_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        event jsonb NOT NULL,
        status text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        last_status int,
        last_error text,
        recorded_at timestamptz NOT NULL,
        retrying_since timestamptz NOT NULL,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        delivered_at timestamptz
      );
      CREATE INDEX webhook_deliveries_subscription ON ${schema}.webhook_deliveries (subscription_id, recorded_at DESC);`,
  },
];

export const DELIVERY_TIMER = 'webhook-delivery';
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** How deliveries go: where to (the allow-list), how long an attempt may take, and when to try again or give up. */
export interface DeliveryPolicy extends WebhookDestinationPolicy {
  timeoutMs: number;
  /** the wait after the first failure, doubling per failure up to `maxMs`, each ±25 % at random */
  retry: { initialMs: number; maxMs: number; giveUpAfterMs: number };
  maxPerCaller: number;
  /** in [0, 1): the jitter's draw (tests give their own) */
  random?: () => number;
}

export function deliveryPolicyFromEnv(env: NodeJS.ProcessEnv): DeliveryPolicy {
  const policy = {
    allowedHosts: webhookAllowedHosts(env),
    timeoutMs: wholeNumberSetting(env, 'GANTRY_WEBHOOK_TIMEOUT_MS', 10_000, 1),
    retry: {
      initialMs: wholeNumberSetting(env, 'GANTRY_WEBHOOK_RETRY_FIRST_SECONDS', 30, 1) * 1000,
      maxMs: wholeNumberSetting(env, 'GANTRY_WEBHOOK_RETRY_MAX_SECONDS', 3600, 1) * 1000,
      giveUpAfterMs: wholeNumberSetting(env, 'GANTRY_WEBHOOK_GIVE_UP_HOURS', 24, 1) * 3_600_000,
    },
    maxPerCaller: wholeNumberSetting(env, 'GANTRY_WEBHOOK_MAX_SUBSCRIPTIONS', 25, 1),
  };
  if (policy.retry.maxMs < policy.retry.initialMs) throw new ConfigurationError('GANTRY_WEBHOOK_RETRY_MAX_SECONDS must be at least GANTRY_WEBHOOK_RETRY_FIRST_SECONDS');
  return policy;
}

/** The wait after the `failures`-th failure (1-based): exponential, capped, with jitter so receivers that come back are not hit all at once. */
export const retryDelayMs = (failures: number, retry: DeliveryPolicy['retry'], random: () => number): number =>
  Math.round(Math.min(retry.maxMs, retry.initialMs * 2 ** Math.min(failures - 1, 30)) * (0.75 + 0.5 * random()));

const timerOf = (deliveryId: string, dueAt: Date) => ({ id: `webhook:${deliveryId}`, kind: DELIVERY_TIMER, dueAt, payload: { deliveryId } });

/**
 * Owes the entry's event to every active subscription that selects it, in the ledger writer's transaction: a
 * delivery and its timer, due now. An entry the ledger already held (a redelivery) is never passed here.
 */
export async function oweDeliveries(tx: SqlClient, schema: string, entry: LedgerEntry, record: DeploymentRecord | undefined, now: Date): Promise<void> {
  const name = eventNameOf(entry.event.type);
  if (!name) return;
  const subscriptions = await activeSubscriptions(tx, schema);
  if (subscriptions.length === 0) return;
  const data = (entry.event.data ?? {}) as Record<string, unknown>;
  const fact = (key: 'service' | 'environment' | 'changeId') => record?.[key] ?? (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  const facts = { name, deploymentId: entry.deploymentId, service: fact('service'), environment: fact('environment'), changeId: fact('changeId') };
  for (const subscription of subscriptions.filter((s) => selects(s.events, s.filter, facts))) {
    const deliveryId = `${subscription.subscriptionId}:${entry.event.id}`;
    const { rowCount } = await tx.query(
      `INSERT INTO ${schema}.webhook_deliveries (delivery_id, subscription_id, event_id, event_type, event, status, recorded_at, retrying_since, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6, $6) ON CONFLICT (delivery_id) DO NOTHING`,
      [deliveryId, subscription.subscriptionId, entry.event.id, entry.event.type, JSON.stringify(entry.event), now.toISOString()],
    );
    if (rowCount) await scheduleTimer(tx, schema, timerOf(deliveryId, now));
  }
}

/**
 * Attempts a delivery again at once, whatever became of it (a dead one, or one delivered that the receiver lost), and
 * retries it as a new one would be: its attempts, the waits between them and the give-up time count from now.
 */
export async function redeliver(tx: SqlClient, schema: string, deliveryId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE ${schema}.webhook_deliveries SET status = 'pending', attempts = 0, retrying_since = $2, next_attempt_at = $2 WHERE delivery_id = $1`, [deliveryId, now.toISOString()]);
  await scheduleTimer(tx, schema, timerOf(deliveryId, now));
}

interface PendingDelivery {
  delivery_id: string;
  subscription_id: string;
  event: CloudEvent;
  attempts: number;
  retrying_since: Date;
  url: string;
  secret: string | null;
  subscription_status: string;
}

/**
 * The timer's handler: one attempt. 2xx: delivered. 410 Gone: the receiver asks for no more, so the subscription is
 * disabled (WebhookSubscriptionDisabled). Anything else (another status, a redirect, a refused or forbidden address,
 * no answer in time): tried again after a growing wait, until GANTRY_WEBHOOK_GIVE_UP_HOURS after the delivery was
 * recorded (or asked for again), then `dead`. The attempt is made outside any transaction; its outcome is written in one.
 */
export function attemptDelivery(store: EventStore, policy: DeliveryPolicy, clock: Clock): TimerHandler {
  const schema = store.schema;
  const random = policy.random ?? Math.random;
  return async (timer, moment) => {
    const { deliveryId } = timer.payload as { deliveryId: string };
    const { rows } = await store.db.query<PendingDelivery>(
      `SELECT d.delivery_id, d.subscription_id, d.event, d.attempts, d.retrying_since, s.url, s.secret, s.status AS subscription_status
         FROM ${schema}.webhook_deliveries d JOIN ${schema}.webhook_subscriptions s USING (subscription_id)
        WHERE d.delivery_id = $1 AND d.status = 'pending'`,
      [deliveryId],
    );
    const delivery = rows[0];
    if (!delivery) return;
    if (delivery.subscription_status !== 'active' || !delivery.secret) {
      await store.db.query(`UPDATE ${schema}.webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE delivery_id = $1`, [deliveryId]);
      return;
    }
    const body = JSON.stringify(delivery.event);
    const headers: Record<string, string> = {
      'content-type': CLOUDEVENTS_JSON,
      [IDEMPOTENCY_KEY_HEADER]: deliveryId,
      [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(delivery.secret, body, clock.now()),
      'user-agent': 'Gantry-Webhooks',
      ...(delivery.event.traceparent ? { traceparent: delivery.event.traceparent } : {}),
    };
    const outcome = await postWebhook(new URL(delivery.url), { body, headers, timeoutMs: policy.timeoutMs }, policy).then(
      ({ status }) => ({ status, error: status >= 200 && status < 300 ? null : `answered ${status}` }),
      (error: Error) => ({ status: null, error: error.message }),
    );
    const attempts = delivery.attempts + 1;
    const at = moment.now;
    await store.db.transaction(async (tx) => {
      const attempted = [deliveryId, attempts, outcome.status, outcome.error, at.toISOString()];
      if (outcome.error === null) {
        await tx.query(
          `UPDATE ${schema}.webhook_deliveries SET status = 'delivered', attempts = $2, last_status = $3, last_error = $4, last_attempt_at = $5, delivered_at = $5, next_attempt_at = NULL WHERE delivery_id = $1`,
          attempted,
        );
      } else if (outcome.status === 410) {
        await tx.query(`UPDATE ${schema}.webhook_deliveries SET status = 'cancelled', attempts = $2, last_status = $3, last_error = $4, last_attempt_at = $5, next_attempt_at = NULL WHERE delivery_id = $1`, attempted);
        const reason = 'the receiver answered 410 Gone';
        const command = { type: 'DisableSubscription' as const, subscriptionId: delivery.subscription_id, reason, at: at.toISOString() };
        const options = { metadata: actingOnItsOwn('records', deliveryId), newId: moment.newId, afterAppend: (events: Parameters<typeof keepSubscription>[2], t: SqlClient) => keepSubscription(t, schema, events) };
        await executeCommand(store, subscriptionDecider, subscriptionStream(delivery.subscription_id), command, options, tx);
      } else if (at.getTime() - new Date(delivery.retrying_since).getTime() >= policy.retry.giveUpAfterMs) {
        await tx.query(`UPDATE ${schema}.webhook_deliveries SET status = 'dead', attempts = $2, last_status = $3, last_error = $4, last_attempt_at = $5, next_attempt_at = NULL WHERE delivery_id = $1`, attempted);
      } else {
        const next = new Date(at.getTime() + retryDelayMs(attempts, policy.retry, random));
        await tx.query(
          `UPDATE ${schema}.webhook_deliveries SET attempts = $2, last_status = $3, last_error = $4, last_attempt_at = $5, next_attempt_at = $6 WHERE delivery_id = $1`,
          [...attempted, next.toISOString()],
        );
        // the timer moves to the next attempt (the poller keeps a timer moved while its handler ran)
        await scheduleTimer(tx, schema, timerOf(deliveryId, next));
      }
    });
  };
}

export interface Delivery {
  deliveryId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'dead' | 'cancelled';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  recordedAt: string;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  deliveredAt?: string;
}

/** `{[key]: time}` when there is one, for spreading into an answer without its absent fields. */
const timeField = (key: string, value: Date | null) => (value ? { [key]: new Date(value).toISOString() } : {});

/** The subscription's deliveries, newest first. */
export async function deliveriesOf(db: SqlClient, schema: string, subscriptionId: string, limit: number): Promise<Delivery[]> {
  const { rows } = await db.query<{
    delivery_id: string;
    event_id: string;
    event_type: string;
    status: Delivery['status'];
    attempts: number;
    last_status: number | null;
    last_error: string | null;
    recorded_at: Date;
    last_attempt_at: Date | null;
    next_attempt_at: Date | null;
    delivered_at: Date | null;
  }>(
    `SELECT delivery_id, event_id, event_type, status, attempts, last_status, last_error, recorded_at, last_attempt_at, next_attempt_at, delivered_at
       FROM ${schema}.webhook_deliveries WHERE subscription_id = $1 ORDER BY recorded_at DESC, delivery_id LIMIT $2`,
    [subscriptionId, limit],
  );
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    recordedAt: new Date(r.recorded_at).toISOString(),
    ...timeField('lastAttemptAt', r.last_attempt_at),
    ...timeField('nextAttemptAt', r.next_attempt_at),
    ...timeField('deliveredAt', r.delivered_at),
  }));
}
