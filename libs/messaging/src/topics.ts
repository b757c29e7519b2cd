/** The one outgoing topic of a service: `gantry.planning.v1`. */
export const serviceTopic = (service: string): string => `gantry.${service}.v1`;

/** Where a consumer puts the messages of `topic` it cannot accept, with the reason. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
