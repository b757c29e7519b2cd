import { DEAD_LETTER_HEADERS } from '@gantry/contracts';
import type { IncomingMessage, OutgoingMessage } from './bus';

/**
 * Thrown by a consumer's handler for a message it will never accept (e.g. a business-invalid payload):
 * the message goes to the dead-letter topic with `reason` and the consumer moves on.
 * Any other error is transient and the message is retried.
 */
export class PoisonMessage extends Error {
  readonly code = 'PoisonMessage';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PoisonMessage';
  }
}

export const deadLetterHeaders = DEAD_LETTER_HEADERS;

/** The original key, value and headers, plus where it came from and why it was refused. */
export function deadLetterOf(message: IncomingMessage, consumer: string, reason: string): OutgoingMessage {
  return {
    key: message.key,
    value: message.value ?? Buffer.alloc(0),
    headers: {
      ...message.headers,
      [deadLetterHeaders.reason]: reason.slice(0, 2_000),
      [deadLetterHeaders.consumer]: consumer,
      [deadLetterHeaders.originalTopic]: message.topic,
      [deadLetterHeaders.originalPartition]: String(message.partition),
      [deadLetterHeaders.originalOffset]: message.offset,
    },
  };
}
