import type { EventStore } from '@gantry/event-store';
import type { ServiceRuntime, Slice } from '@gantry/platform';
import { DELIVERY_POLICY, SubscriptionsController } from './subscriptions.controller';
import { subscriptionMigrations } from './subscriptions.table';
import { attemptDelivery, deliveryMigrations, DELIVERY_TIMER, type DeliveryPolicy } from './webhook-deliveries';

/**
 * Outbound webhook subscriptions (issue 19: callers need not poll): callers subscribe their URLs to the ledger's
 * events, the ledger writer owes each new entry to the subscriptions that select it (oweDeliveries), and a due timer
 * per delivery POSTs it, signed, retried with backoff until delivered or given up.
 */
export const subscriptionsSlice = (store: EventStore, runtime: ServiceRuntime, policy: DeliveryPolicy): Slice => ({
  name: 'subscriptions',
  migrations: [...subscriptionMigrations, ...deliveryMigrations],
  timers: { [DELIVERY_TIMER]: attemptDelivery(store, policy, runtime.clock) },
  doors: [SubscriptionsController],
  provides: [{ provide: DELIVERY_POLICY, useValue: policy }],
});
