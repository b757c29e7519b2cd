export { evaluateCriterion, NO_EVIDENCE, type Evidence, type Observation } from './criteria';
export { acceptanceSlice } from './acceptance.slice';
export { EvidenceStore, lockDeploymentEvidence, type ObservationReport, type TestResultReport } from './evidence';
