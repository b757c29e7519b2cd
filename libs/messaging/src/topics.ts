export { deadLetterTopic } from '@gantry/contracts';
