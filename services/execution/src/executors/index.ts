export { ExecutorDirectory, executorsFromEnv, type ExecutorsConfig } from './executor-configuration';
export { WebhookCallbacksController } from './webhook-callbacks.controller';
