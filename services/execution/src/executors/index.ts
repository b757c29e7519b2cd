export { ExecutorDirectory, executorsFromEnv, type ExecutorsConfig } from './executor-configuration';
export { executorsSlice } from './executors.slice';
