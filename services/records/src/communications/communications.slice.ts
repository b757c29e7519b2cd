import type { EventStore } from '@gantry/event-store';
import type { ServiceRuntime, Slice } from '@gantry/platform';
import type { DeliveryOptions } from '../deliveries';
import { CommunicationsController } from './communications.controller';
import { NoticeDeliveries, type NoticeChannelPolicy } from './notice-channels';
import { serviceCatalogueMigrations } from './service-catalogue.projection';

/**
 * Deployment communications: the service catalogue as records reads it, the notices and knowledge articles the ledger
 * writer issues (notices.reactions.ts), their signed delivery to each service's webhook channels, and a deployment's
 * communications for auditors and deployment managers (`GET /audit/deployments/:id/communications`).
 */
export const communicationsSlice = (store: EventStore, runtime: ServiceRuntime, policy: NoticeChannelPolicy, options: DeliveryOptions = {}): Slice => ({
  name: 'communications',
  migrations: serviceCatalogueMigrations,
  doors: [CommunicationsController],
  provides: [{ provide: NoticeDeliveries, useValue: new NoticeDeliveries(store, policy, runtime.clock, options) }],
});
