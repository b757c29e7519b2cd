export { subscriptionsSlice } from './subscriptions.slice';
export { deliveryPolicyFromEnv, oweDeliveries, CLOUDEVENTS_JSON, IDEMPOTENCY_KEY_HEADER, type Delivery, type DeliveryPolicy } from './webhook-deliveries';
export type { Subscription } from './subscriptions.table';
