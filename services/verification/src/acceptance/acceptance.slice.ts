import type { Slice } from '@gantry/platform';
import { EvidenceStore, evidenceMigrations } from './evidence';
import { manualStepReactions } from './manual-step.reactions';

/** The evidence the acceptance criteria are judged on: observations, test results, manual steps. */
export const acceptanceSlice = (evidence: EvidenceStore): Slice => ({
  name: 'acceptance',
  migrations: evidenceMigrations,
  provides: [{ provide: EvidenceStore, useValue: evidence }],
  reactions: [manualStepReactions(evidence)],
});
