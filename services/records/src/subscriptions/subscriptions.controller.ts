import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { mayDo, RequirePermission } from '@gantry/auth';
import { Database, EventStore, type SqlClient } from '@gantry/event-store';
import { createSubscriptionBody, deliveriesQuery, identifier, type BodyRule, type CreateSubscriptionBody, type Static } from '@gantry/contracts';
import { ApiBodyFrom, CommandContext, destinationRefusal, executeCommand, NotFound, RuleRefused, SchemaBody, SchemaParam, SchemaQuery, type RequestContext } from '@gantry/platform';
import { commandId } from '../command-id';
import { SELECTABLE, selectionOf } from './event-selection';
import { subscriptionDecider, subscriptionStream, type SubscriptionEvent } from './subscription.decider';
import { keepSubscription, ownersSubscriptions, secretOf, subscriptionOf, subscriptionsOf } from './subscriptions.table';
import { deliveriesOf, redeliver, type DeliveryPolicy } from './webhook-deliveries';

export const DELIVERY_POLICY = 'records.webhook-delivery-policy';

const urlIsAbsoluteHttp: BodyRule<CreateSubscriptionBody> = ({ url }) => {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return parsed && (parsed.protocol === 'https:' || parsed.protocol === 'http:') ? null : 'url must be an absolute https URL';
};
const eventsAreKnown: BodyRule<CreateSubscriptionBody> = ({ events }) => {
  const { unknown } = selectionOf(events);
  return unknown.length ? `events: ${unknown.map((e) => JSON.stringify(e.slice(0, 100))).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not known; name ${SELECTABLE}` : null;
};

const subscriptionIdParam = new SchemaParam(identifier, 'a subscription id');

/**
 * Outbound webhook subscriptions: a caller (an ITSM suite by its API key, a person by their token) subscribes its
 * own URL to events of the ledger and gets each, signed, at least once. A caller sees and deletes only its own (an
 * admin, who manages access, sees and deletes everyone's); to anyone else a subscription does not exist (404).
 */
@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    @Inject(DELIVERY_POLICY) private readonly policy: DeliveryPolicy,
  ) {}

  /**
   * 201 with the signing secret, shown in this answer only (a retry under the same Idempotency-Key shows it again).
   * Gantry makes the secret, so every one is 256 random bits and none is chosen, reused or logged by a caller.
   */
  @Post()
  @RequirePermission('subscriptions:manage')
  @ApiBodyFrom(createSubscriptionBody)
  async create(@Body(new SchemaBody(createSubscriptionBody, [urlIsAbsoluteHttp, eventsAreKnown])) body: CreateSubscriptionBody, @CommandContext() context: RequestContext) {
    const url = new URL(body.url);
    const refusal = destinationRefusal(url, this.policy);
    if (refusal) throw new RuleRefused(refusal.code, { url: `${url.origin}${url.pathname}`, reason: refusal.reason }, 422);
    const owner = context.identity.subject;
    const subscription = {
      subscriptionId: commandId(context),
      owner,
      origin: url.origin,
      events: selectionOf(body.events).events,
      ...(body.filter && Object.keys(body.filter).length ? { filter: body.filter } : {}),
      ...(body.description ? { description: body.description } : {}),
      createdAt: context.now.toISOString(),
    };
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const schema = this.store.schema;
    const { events } = await executeCommand(
      this.store,
      subscriptionDecider,
      subscriptionStream(subscription.subscriptionId),
      async (_, tx) => ({ type: 'CreateSubscription' as const, subscription, ownersSubscriptions: await ownersSubscriptions(tx, schema, owner), maxPerCaller: this.policy.maxPerCaller }),
      { ...context, afterAppend: (appended: readonly SubscriptionEvent[], tx: SqlClient) => keepSubscription(tx, schema, appended, { url: url.href, secret }) },
    );
    const kept = await subscriptionOf(this.db, schema, subscription.subscriptionId, owner);
    if (!kept) throw new NotFound(`no subscription ${subscription.subscriptionId}`);
    return { ...kept, secret: events.length ? secret : await secretOf(this.db, schema, kept.subscriptionId), note: 'the secret is shown this once: verify the Gantry-Signature of each delivery with it' };
  }

  @Get()
  @RequirePermission('subscriptions:manage')
  async list(@CommandContext() context: RequestContext) {
    return { subscriptions: await subscriptionsOf(this.db, this.store.schema, this.ownerSeen(context)) };
  }

  @Get(':subscriptionId')
  @RequirePermission('subscriptions:manage')
  async get(@Param('subscriptionId', subscriptionIdParam) subscriptionId: string, @CommandContext() context: RequestContext) {
    return this.visible(subscriptionId, context);
  }

  @Delete(':subscriptionId')
  @RequirePermission('subscriptions:manage')
  async delete(@Param('subscriptionId', subscriptionIdParam) subscriptionId: string, @CommandContext() context: RequestContext) {
    const schema = this.store.schema;
    const command = { type: 'DeleteSubscription' as const, subscriptionId, by: context.identity.subject, actsForAnyone: this.ownerSeen(context) === undefined, at: context.now.toISOString() };
    try {
      await executeCommand(this.store, subscriptionDecider, subscriptionStream(subscriptionId), command, {
        ...context,
        afterAppend: (appended: readonly SubscriptionEvent[], tx: SqlClient) => keepSubscription(tx, schema, appended),
      });
    } catch (error) {
      if (error instanceof RuleRefused && error.code === 'SubscriptionNotFound') throw new NotFound(`no subscription ${subscriptionId}`);
      throw error;
    }
    return { subscriptionId, status: 'deleted' };
  }

  /** The subscription's latest deliveries, newest first: status, attempts, last error, next attempt. */
  @Get(':subscriptionId/deliveries')
  @RequirePermission('subscriptions:manage')
  async deliveries(@Param('subscriptionId', subscriptionIdParam) subscriptionId: string, @Query(new SchemaQuery(deliveriesQuery)) query: Static<typeof deliveriesQuery>, @CommandContext() context: RequestContext) {
    await this.visible(subscriptionId, context);
    return { deliveries: await deliveriesOf(this.db, this.store.schema, subscriptionId, query.limit ?? 50) };
  }

  /** Attempts a delivery again now (after the receiver lost it, or after it was given up): 202. */
  @Post(':subscriptionId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @RequirePermission('subscriptions:manage')
  async redeliver(
    @Param('subscriptionId', subscriptionIdParam) subscriptionId: string,
    @Param('deliveryId', new SchemaParam(identifier, 'a delivery id')) deliveryId: string,
    @CommandContext() context: RequestContext,
  ) {
    const subscription = await this.visible(subscriptionId, context);
    if (subscription.status !== 'active') throw new RuleRefused('SubscriptionNotActive', { subscriptionId, status: subscription.status }, 409);
    const found = await this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(`SELECT 1 FROM ${this.store.schema}.webhook_deliveries WHERE delivery_id = $1 AND subscription_id = $2 FOR UPDATE`, [deliveryId, subscriptionId]);
      if (rowCount) await redeliver(tx, this.store.schema, deliveryId, context.now);
      return rowCount !== 0;
    });
    if (!found) throw new NotFound(`no delivery ${deliveryId} of subscription ${subscriptionId}`);
    return { deliveryId, status: 'pending' };
  }

  /** Whose subscriptions the caller sees: its own, or (undefined) everyone's for an admin. */
  private ownerSeen(context: RequestContext): string | undefined {
    return mayDo(context.identity.roles, 'access:manage') ? undefined : context.identity.subject;
  }

  private async visible(subscriptionId: string, context: RequestContext) {
    const subscription = await subscriptionOf(this.db, this.store.schema, subscriptionId, this.ownerSeen(context));
    if (!subscription) throw new NotFound(`no subscription ${subscriptionId}`);
    return subscription;
  }
}
