import { eventNameOf, validatePayload } from '@gantry/contracts';
import type { CloudEvent, ConsumerOptions } from '@gantry/messaging';

/** A consumer as a service declares it; the ServiceHost gives it the bus, the database and the service's schema. */
export type ConsumerSpec = Omit<ConsumerOptions, 'bus' | 'db' | 'schema' | 'onOutcome'>;

/**
 * Every consumer checks a Gantry event's payload against the contract before handling it: a schema-invalid one goes to
 * the dead-letter topic with the reason instead of failing in a handler (and being retried forever). Types the contract
 * does not know (other practices' topics) are left to the consumer's own `validate`.
 */
export const againstTheContract = (event: CloudEvent): string | undefined => {
  if (!eventNameOf(event.type)) return undefined;
  const invalid = validatePayload(event.type, event.data);
  return invalid ? `${event.type}: ${invalid}` : undefined;
};
