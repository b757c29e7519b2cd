import type { CanaryAnalysisRequested } from '@gantry/contracts';
import type { Reactions } from '@gantry/platform';
import { verificationTriggers } from '../verification-triggers';
import type { CanaryAnalyses } from './canary-analyses';

/** Execution asks for the analysis of a canary step. */
export const canaryAnalysisReactions = (canaries: CanaryAnalyses): Reactions =>
  verificationTriggers({
    CanaryAnalysisRequested: (event, tx, context) => canaries.open(tx, event.data as CanaryAnalysisRequested, context),
  });
