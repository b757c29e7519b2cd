import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { WebhookSubscriptionCreated, WebhookSubscriptionDeleted, WebhookSubscriptionDisabled } from '@gantry/contracts';

/**
 * A webhook subscription: a caller's URL that gets the ledger's events it names, signed. Its owner is the caller who
 * created it; only the owner (or an admin) sees or deletes it, and to anyone else it does not exist. A receiver that
 * answers 410 Gone disables it. Deleted is final.
 */
export type SubscriptionCommand =
  | { type: 'CreateSubscription'; subscription: WebhookSubscriptionCreated; ownersSubscriptions: number; maxPerCaller: number }
  | { type: 'DeleteSubscription'; subscriptionId: string; by: string; actsForAnyone: boolean; at: string }
  | { type: 'DisableSubscription'; subscriptionId: string; reason: string; at: string };
export type SubscriptionEvent =
  | { type: 'WebhookSubscriptionCreated'; data: WebhookSubscriptionCreated }
  | { type: 'WebhookSubscriptionDeleted'; data: WebhookSubscriptionDeleted }
  | { type: 'WebhookSubscriptionDisabled'; data: WebhookSubscriptionDisabled };
export type SubscriptionState =
  | { status: 'none' }
  | { status: 'active'; subscription: WebhookSubscriptionCreated }
  | { status: 'disabled'; subscription: WebhookSubscriptionCreated }
  | { status: 'deleted'; subscription: WebhookSubscriptionCreated };
export type SubscriptionRefusal =
  | { code: 'SubscriptionNotFound'; subscriptionId: string }
  | { code: 'SubscriptionIdTaken'; subscriptionId: string }
  | { code: 'TooManySubscriptions'; owner: string; maxPerCaller: number };

/** A caller keeps a bounded number of subscriptions (GANTRY_WEBHOOK_MAX_SUBSCRIPTIONS), deleted ones not counted. */
const ownerMayHoldAnotherSubscription = (command: Extract<SubscriptionCommand, { type: 'CreateSubscription' }>) => command.ownersSubscriptions < command.maxPerCaller;
/** Someone else's subscription is as good as absent, except to whoever may act for anyone (an admin). */
const onlyItsOwnerMayDeleteASubscription = (state: { subscription: WebhookSubscriptionCreated }, by: string, actsForAnyone: boolean) => actsForAnyone || state.subscription.owner === by;

/** A retried request (same Idempotency-Key) asks for what it asked before; only the time differs. */
const sameSubscription = (held: WebhookSubscriptionCreated, asked: WebhookSubscriptionCreated) =>
  held.owner === asked.owner &&
  held.origin === asked.origin &&
  held.events.join('\n') === asked.events.join('\n') &&
  held.description === asked.description &&
  (['service', 'environment', 'changeId', 'deploymentId'] as const).every((k) => held.filter?.[k] === asked.filter?.[k]);

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState, SubscriptionRefusal> = {
  initialState: { status: 'none' },
  evolve(state, event) {
    switch (event.type) {
      case 'WebhookSubscriptionCreated':
        return { status: 'active', subscription: event.data };
      case 'WebhookSubscriptionDeleted':
        return state.status === 'none' ? state : { status: 'deleted', subscription: state.subscription };
      case 'WebhookSubscriptionDisabled':
        return state.status === 'active' ? { status: 'disabled', subscription: state.subscription } : state;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
  decide(command, state): readonly SubscriptionEvent[] | Refused<SubscriptionRefusal> {
    switch (command.type) {
      case 'CreateSubscription': {
        const { subscription } = command;
        if (state.status !== 'none') return sameSubscription(state.subscription, subscription) ? [] : refuse({ code: 'SubscriptionIdTaken', subscriptionId: subscription.subscriptionId });
        if (!ownerMayHoldAnotherSubscription(command)) return refuse({ code: 'TooManySubscriptions', owner: subscription.owner, maxPerCaller: command.maxPerCaller });
        return [{ type: 'WebhookSubscriptionCreated', data: subscription }];
      }
      case 'DeleteSubscription':
        if (state.status === 'none' || !onlyItsOwnerMayDeleteASubscription(state, command.by, command.actsForAnyone)) return refuse({ code: 'SubscriptionNotFound', subscriptionId: command.subscriptionId });
        if (state.status === 'deleted') return [];
        return [{ type: 'WebhookSubscriptionDeleted', data: { subscriptionId: command.subscriptionId, owner: state.subscription.owner, deletedBy: command.by, deletedAt: command.at } }];
      case 'DisableSubscription':
        if (state.status === 'none') return refuse({ code: 'SubscriptionNotFound', subscriptionId: command.subscriptionId });
        if (state.status !== 'active') return [];
        return [{ type: 'WebhookSubscriptionDisabled', data: { subscriptionId: command.subscriptionId, owner: state.subscription.owner, reason: command.reason, disabledAt: command.at } }];
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  },
};

export const subscriptionStream = (subscriptionId: string) => ({ streamId: `WebhookSubscription-${subscriptionId}`, streamType: 'WebhookSubscription' });
