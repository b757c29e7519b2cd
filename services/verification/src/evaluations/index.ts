export { evaluationReactions } from './evaluation.reactions';
export { Evaluations, TIMER_KINDS } from './evaluations';
export { EvidenceController } from './evidence.controller';
