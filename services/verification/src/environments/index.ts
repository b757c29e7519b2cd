export { environmentFailures, type EnvironmentFacts } from './environment-rules';
export { environmentsConsumer, environmentsMigrations, knownEnvironment } from './environments.read-model';
