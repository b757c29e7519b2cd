import {
  INBOUND_TOPICS,
  itamComponentEventNameOf,
  validateItamComponentEvent,
  type ComponentVersionDefinition,
  type ComponentVersionWithdrawal,
} from '@gantry/contracts';
import { PoisonMessage } from '@gantry/messaging';
import { RuleRefused, type ConsumerSpec } from '@gantry/platform';
import type { AuthorisedRepository } from './authorised-repository';

/**
 * IT asset management's door: `itam.components.v1`. A registered version enters the authorised repository as if it
 * were posted to /components; a withdrawn one is withdrawn (and revokes what it must). A schema-invalid message, or one
 * the repository can never accept (another build under a registered version), goes to the dead-letter topic.
 */
export const itamComponentsConsumer = (repository: AuthorisedRepository): ConsumerSpec => ({
  name: 'verification.itam-components',
  topics: [INBOUND_TOPICS.itamComponents],
  accepts: (type) => itamComponentEventNameOf(type) !== undefined,
  validate: (event) => {
    const invalid = validateItamComponentEvent(itamComponentEventNameOf(event.type)!, event.data);
    return invalid ? `${event.type}: ${invalid}` : undefined;
  },
  handle: async (event, tx, context) => {
    try {
      switch (itamComponentEventNameOf(event.type)) {
        case 'ComponentVersionRegistered':
          await repository.register(event.data as ComponentVersionDefinition, context, tx);
          return;
        case 'ComponentVersionWithdrawn': {
          const withdrawal = event.data as ComponentVersionWithdrawal;
          await repository.withdraw(withdrawal.name, withdrawal.version, withdrawal.reason, context, tx);
          return;
        }
        default:
      }
    } catch (error) {
      if (error instanceof RuleRefused) throw new PoisonMessage(`${event.type}: ${error.message}`);
      throw error;
    }
  },
});
