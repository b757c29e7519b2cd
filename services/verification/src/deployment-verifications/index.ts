export { deploymentVerificationDecider, verificationStream, type Evaluation } from './deployment-verification.decider';
export { deploymentVerificationsSlice } from './deployment-verifications.slice';
export { Revocations } from './revocations';
