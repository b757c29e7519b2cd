import type { ManualStepCompleted, ManualStepRequired } from '@gantry/contracts';
import type { Reactions } from '@gantry/platform';
import { verificationTriggers } from '../verification-triggers';
import type { EvidenceStore } from './evidence';

/** Execution's manual steps, evidence for the `manual-evidence` criterion: which ask for evidence, which came with some. */
export const manualStepReactions = (evidence: EvidenceStore): Reactions =>
  verificationTriggers({
    ManualStepRequired: async (event, tx) => {
      const step = event.data as ManualStepRequired;
      await evidence.manualStepRequired(tx, step.deploymentId, step.stepId, step.evidenceRequired);
    },
    ManualStepCompleted: async (event, tx) => {
      const step = event.data as ManualStepCompleted;
      await evidence.manualStepCompleted(tx, step.deploymentId, step.stepId, step.evidence.length);
    },
  });
