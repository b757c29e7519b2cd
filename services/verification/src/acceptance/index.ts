export { evaluateCriterion, NO_EVIDENCE, type Evidence, type Observation } from './criteria';
export { EvidenceStore, evidenceMigrations, lockDeploymentEvidence, type ObservationReport, type TestResultReport } from './evidence';
export { manualStepReactions } from './manual-step.reactions';
