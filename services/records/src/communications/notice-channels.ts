import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DeploymentNoticeIssued, NoticeChannel } from '@gantry/contracts';
import type { Checkpoint, EventStore } from '@gantry/event-store';
import { postWebhook, webhookAllowedHosts, webhookSignature, type Clock, type WebhookDestinationPolicy } from '@gantry/platform';
import { MarkedDeliveries, type DeliveryOptions, type Destination } from '../deliveries';
import { NOTICE_ID_HEADER, NOTICE_SIGNATURE_HEADER } from './notice-signature';
import { noticeChannels } from './service-catalogue.projection';

/**
 * Where notices may be POSTed and with which secrets: the hosts of GANTRY_WEBHOOK_ALLOWED_HOSTS, and each channel's
 * secret in GANTRY_NOTICE_SECRET_<secretRef>. Secrets live in configuration only, never in the catalogue's events.
 */
export interface NoticeChannelPolicy extends WebhookDestinationPolicy {
  secretOf(secretRef: string): string | undefined;
}

export function noticeChannelPolicyFromEnv(env: NodeJS.ProcessEnv): NoticeChannelPolicy {
  return { allowedHosts: webhookAllowedHosts(env), secretOf: (ref) => env[`GANTRY_NOTICE_SECRET_${ref}`] || undefined };
}

/** A notice as it sits in records' event store: where, for the delivery mark. */
export interface StoredNotice {
  mark: Checkpoint;
  notice: DeploymentNoticeIssued;
}

/** How long one POST may take before it counts as failed. */
const POST_TIMEOUT_MS = 10_000;

/** The body a chat tool shows (`text`, as Slack's and Teams' incoming webhooks take it), with the whole notice under `gantry`. */
export const noticeBody = (notice: DeploymentNoticeIssued): string => JSON.stringify({ text: notice.summary, gantry: notice });

/** POSTs each notice of `service` to the channel, signed; any 2xx is a delivery. */
export function channelDestination(service: string, channel: NoticeChannel, policy: NoticeChannelPolicy, clock: Clock): Destination<StoredNotice> {
  const name = `${service}/${channel.name}`;
  return {
    name,
    async deliver({ notice }, signal) {
      const url = new URL(channel.url);
      const secret = policy.secretOf(channel.secretRef);
      if (!secret) throw new Error(`GANTRY_NOTICE_SECRET_${channel.secretRef} is not set`);
      const body = noticeBody(notice);
      const headers = { 'content-type': 'application/json', [NOTICE_ID_HEADER]: notice.noticeId, [NOTICE_SIGNATURE_HEADER]: webhookSignature(secret, body, clock.now()) };
      const { status } = await postWebhook(url, { body, headers, timeoutMs: POST_TIMEOUT_MS, signal }, policy);
      if (status < 200 || status > 299) throw new Error(`${url.origin}${url.pathname} answered ${status} to notice ${notice.noticeId}`);
    },
  };
}

/**
 * Delivers each service's notices to each of its channels (MarkedDeliveries: in order, each channel from its own mark,
 * kept in the event store's checkpoints as `notices:<service>/<channel>`, retried with backoff). Reads the notices
 * after the ledger consumer committed them, so a channel that is down never holds it up.
 */
export class NoticeDeliveries implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly deliveries: MarkedDeliveries<StoredNotice, Checkpoint>;

  constructor(
    private readonly store: EventStore,
    policy: NoticeChannelPolicy,
    clock: Clock,
    options: DeliveryOptions = {},
  ) {
    const markName = (destination: string) => `notices:${destination}`;
    this.deliveries = new MarkedDeliveries<StoredNotice, Checkpoint>(
      {
        destinations: async () => (await noticeChannels(store.db, store.schema)).map(({ service, channel }) => channelDestination(service, channel, policy, clock)),
        markOf: (destination) => store.readCheckpoint(store.db, markName(destination)),
        itemsAfter: (destination, mark, limit) => this.noticesAfter(destination.name.slice(0, destination.name.lastIndexOf('/')), mark, limit),
        markAfter: (item) => item.mark,
        saveMark: (destination, mark) => store.saveCheckpoint(store.db, markName(destination), mark),
      },
      new Logger('records.communications'),
      'notice',
      options,
    );
  }

  onApplicationBootstrap(): void {
    this.deliveries.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliveries.stop();
  }

  /** The service's notices after the mark, in commit-safe order (as the event store's readAll reads). */
  private async noticesAfter(service: string, mark: Checkpoint, limit: number): Promise<StoredNotice[]> {
    const { rows } = await this.store.db.query<{ transaction_id: string; position: string; data: DeploymentNoticeIssued }>(
      `SELECT e.transaction_id::text AS transaction_id, e.position::text AS position, e.data FROM "${this.store.schema}".events e
        WHERE e.event_type = 'DeploymentNoticeIssued' AND e.data->>'service' = $1
          AND (e.transaction_id, e.position) > ($2::xid8, $3::bigint)
          AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.transaction_id, e.position
        LIMIT $4`,
      [service, mark.transactionId, mark.position, limit],
    );
    return rows.map((r) => ({ mark: { transactionId: r.transaction_id, position: r.position }, notice: r.data }));
  }
}
