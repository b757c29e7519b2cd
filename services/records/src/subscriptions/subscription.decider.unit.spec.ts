import { specification } from '@gantry/decider';
import type { WebhookSubscriptionCreated } from '@gantry/contracts';
import { subscriptionDecider } from './subscription.decider';

const subscriptionId = 'c6f1e1d2-8a0b-4c2d-9e3f-4a5b6c7d8e9f';
const created: WebhookSubscriptionCreated = { subscriptionId, owner: 'servicenow', origin: 'https://itsm.example.com', events: ['deployment-outcome'], createdAt: '2026-12-01T09:00:00.000Z' };
const create = { type: 'CreateSubscription' as const, subscription: created, ownersSubscriptions: 0, maxPerCaller: 2 };
const createdEvent = { type: 'WebhookSubscriptionCreated' as const, data: created };
const del = { type: 'DeleteSubscription' as const, subscriptionId, by: 'servicenow', actsForAnyone: false, at: '2026-12-02T09:00:00.000Z' };
const deleted = { type: 'WebhookSubscriptionDeleted' as const, data: { subscriptionId, owner: 'servicenow', deletedBy: 'servicenow', deletedAt: '2026-12-02T09:00:00.000Z' } };
const disable = { type: 'DisableSubscription' as const, subscriptionId, reason: 'the receiver answered 410 Gone', at: '2026-12-02T10:00:00.000Z' };
const disabled = { type: 'WebhookSubscriptionDisabled' as const, data: { subscriptionId, owner: 'servicenow', reason: 'the receiver answered 410 Gone', disabledAt: '2026-12-02T10:00:00.000Z' } };
const spec = specification(subscriptionDecider);

describe('CreateSubscription', () => {
  it('records the subscription with its owner', () => spec.given([]).when(create).then([createdEvent]));
  it('refuses a caller who holds as many subscriptions as allowed', () =>
    spec.given([]).when({ ...create, ownersSubscriptions: 2 }).thenRefused({ code: 'TooManySubscriptions', owner: 'servicenow', maxPerCaller: 2 }));
  it('refuses another subscription under a taken id', () =>
    spec.given([createdEvent]).when({ ...create, subscription: { ...created, owner: 'someone-else' } }).thenRefused({ code: 'SubscriptionIdTaken', subscriptionId }));
  it('does nothing when the same subscription is asked for again (a retry, a moment later)', () =>
    spec.given([createdEvent]).when({ ...create, subscription: { ...created, createdAt: '2026-12-01T09:00:05.000Z' } }).thenNothing());
});

describe('DeleteSubscription', () => {
  it('deletes its owner\'s subscription, with who and when', () => spec.given([createdEvent]).when(del).then([deleted]));
  it('lets an admin delete anyone\'s', () =>
    spec.given([createdEvent]).when({ ...del, by: 'root', actsForAnyone: true }).then([{ ...deleted, data: { ...deleted.data, deletedBy: 'root' } }]));
  it('refuses another caller as if it did not exist', () => spec.given([createdEvent]).when({ ...del, by: 'jira' }).thenRefused({ code: 'SubscriptionNotFound', subscriptionId }));
  it('refuses a subscription never created', () => spec.given([]).when(del).thenRefused({ code: 'SubscriptionNotFound', subscriptionId }));
  it('does nothing for one already deleted', () => spec.given([createdEvent, deleted]).when(del).thenNothing());
});

describe('DisableSubscription', () => {
  it('disables an active subscription when its receiver says Gone', () => spec.given([createdEvent]).when(disable).then([disabled]));
  it('refuses a subscription never created', () => spec.given([]).when(disable).thenRefused({ code: 'SubscriptionNotFound', subscriptionId }));
  it('does nothing for one already disabled or deleted', () => {
    spec.given([createdEvent, disabled]).when(disable).thenNothing();
    spec.given([createdEvent, deleted]).when(disable).thenNothing();
  });
});
