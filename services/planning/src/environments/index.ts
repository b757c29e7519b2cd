export { environmentDecider, type Environment } from './environment.decider';
export { environmentStream, readEnvironmentFlow, type EnvironmentInFlow } from './environments';
export { environmentsSlice } from './environments.slice';
