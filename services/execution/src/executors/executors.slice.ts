import type { Slice } from '@gantry/platform';
import { ExecutorDirectory } from './executor-configuration';
import { WebhookCallbacksController } from './webhook-callbacks.controller';

/** The executors that move components into an environment (simulated, manual, webhook) and the webhook's callbacks. */
export const executorsSlice = (executors: ExecutorDirectory): Slice => ({
  name: 'executors',
  doors: [WebhookCallbacksController],
  provides: [{ provide: ExecutorDirectory, useValue: executors }],
});
