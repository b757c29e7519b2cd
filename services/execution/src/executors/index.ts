export { ExecutorDirectory, executorsFromEnv, type ExecutorConfig, type ExecutorsConfig } from './executor-configuration';
export { executorsSlice } from './executors.slice';
