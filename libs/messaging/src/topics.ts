export { deadLetterTopic } from '@gantry/contracts';

/** The one outgoing topic of a service: `gantry.planning.v1` (contracts' SERVICE_TOPICS for the five services). */
export const serviceTopic = (service: string): string => `gantry.${service}.v1`;
