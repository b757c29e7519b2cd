export { environmentDecider, type Environment } from './environment.decider';
export { Environments, environmentStream } from './environments';
export { EnvironmentsController } from './environments.controller';
