import type { Slice } from '@gantry/platform';
import { CANARY_DEADLINE_TIMER, CanaryAnalyses } from './canary-analyses';
import { canaryAnalysisReactions } from './canary-analysis.reactions';

/** A canary step's analysis, asked for by execution and given by its deadline. */
export const canarySlice = (canaries: CanaryAnalyses): Slice => ({
  name: 'canary',
  provides: [{ provide: CanaryAnalyses, useValue: canaries }],
  reactions: [canaryAnalysisReactions(canaries)],
  timers: { [CANARY_DEADLINE_TIMER]: (timer, moment) => canaries.onDeadline(timer, moment) },
});
