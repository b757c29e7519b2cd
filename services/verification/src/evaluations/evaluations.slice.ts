import type { EventStore } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import { evaluationReactions } from './evaluation.reactions';
import { Evaluations, TIMER_KINDS } from './evaluations';
import { EvidenceController } from './evidence.controller';

/** The acceptance criteria evaluated once a deployment (or its idle side) is executed, by their deadline. */
export const evaluationsSlice = (store: EventStore, evaluations: Evaluations): Slice => ({
  name: 'evaluations',
  doors: [EvidenceController],
  provides: [{ provide: Evaluations, useValue: evaluations }],
  reactions: [evaluationReactions(store, evaluations)],
  timers: {
    [TIMER_KINDS.deadline]: (timer, moment) => evaluations.onDeadline(timer, moment),
    [TIMER_KINDS.probe]: (timer, moment) => evaluations.onProbe(timer, moment),
  },
});
