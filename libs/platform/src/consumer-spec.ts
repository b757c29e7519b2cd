import { eventNameOf, validatePayload } from '@gantry/contracts';
import type { SqlClient } from '@gantry/event-store';
import type { AfterCommit, CloudEvent, ConsumerOptions, IncomingMessage } from '@gantry/messaging';
import { momentOf, type Clock } from './clock';
import { causedBy, type CommandOrigin } from './request-context';

/**
 * A consumed message's context: the service acts because of the event (`causedBy`), at the clock's time when it
 * handles it, with the process's id source; the message as the bus delivered it and `afterCommit` (consumer.ts).
 */
export interface MessageContext extends CommandOrigin {
  message: IncomingMessage;
  afterCommit: AfterCommit;
}

/** A consumer as a service declares it; the ServiceHost gives it the bus, the database, the service's schema and the clock. */
export type ConsumerSpec = Omit<ConsumerOptions, 'bus' | 'db' | 'schema' | 'onOutcome' | 'handle'> & {
  /** see ConsumerOptions.handle: write only through `tx` */
  handle: (event: CloudEvent, tx: SqlClient, context: MessageContext) => Promise<void>;
};

export const messageContext = (service: string, clock: Clock, event: CloudEvent, message: IncomingMessage, afterCommit: AfterCommit): MessageContext => ({
  ...momentOf(clock),
  metadata: causedBy(service, event),
  message,
  afterCommit,
});

/** The consumer the bus runs for a declared one: each message handled with its context. */
export const consumerOptionsOf = (spec: ConsumerSpec, service: string, clock: Clock): Omit<ConsumerOptions, 'bus' | 'db' | 'schema' | 'onOutcome'> => ({
  ...spec,
  handle: (event, tx, message, afterCommit) => spec.handle(event, tx, messageContext(service, clock, event, message, afterCommit)),
});

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
