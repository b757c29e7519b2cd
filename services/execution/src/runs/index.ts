export { planOf } from './deployment-run.state';
export { TransientExecutorError, type Executor, type ExecutorAnswer, type Executors, type StepRequest } from './executor';
export { RunCommands, runMigrations, systemMetadata, WINDOW_TIMER } from './run-commands';
export { RunDriver } from './run-driver';
export { attemptOf, idempotencyKey, nextStep, waveOf } from './run-steps';
export { runTriggers } from './run-triggers';
export { Runs } from './runs';
export { RunsController } from './runs.controller';
export { RunsGrpc } from './runs.grpc';
