export { deploymentVerificationDecider, verificationStream, type Evaluation } from './deployment-verification.decider';
export { deploymentVerificationReactions } from './deployment-verification.reactions';
export { Revocations, revocationsMigrations } from './revocations';
export { VerificationsController } from './verifications.controller';
