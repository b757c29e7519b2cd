export { evidenceMustCarryItsDigest, type InstalledComponent, type StepOutcome } from './deployment-run.decider';
export { DIGEST_MISMATCH, needsPhysicalReadiness, planOf, type ComponentToInstall } from './deployment-run.state';
export { TransientExecutorError, type Executor, type ExecutorAnswer, type Executors, type StepRequest } from './executor';
export { RunCommands } from './run-commands';
export { RunDriver } from './run-driver';
export { attemptOf, idempotencyKey, nextStep, waveOf } from './run-steps';
export { runsSlice } from './runs.slice';
export { type RunAddenda } from './runs';
export { outcomeOf, stepMessage, type StepMessage } from './step-message';
