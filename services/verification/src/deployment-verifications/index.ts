export { deploymentVerificationDecider, verificationStream, type Evaluation } from './deployment-verification.decider';
export { deploymentVerificationsSlice } from './deployment-verifications.slice';
export { Revocations } from './revocations';
export { DEFAULT_SIGNED_KINDS } from './component-rules';
