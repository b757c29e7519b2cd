export { environmentFailures, type EnvironmentFacts } from './environment-rules';
export { environmentsSlice } from './environments.slice';
export { environmentsReadModels, knownEnvironment } from './environments.read-model';
