export { environmentDecider, type Environment } from './environment.decider';
export { environmentStream } from './environments';
export { environmentsSlice } from './environments.slice';
