import { ExecutionModule } from '@gantry/execution';
import { ModelReviewModule } from '@gantry/model-review';
import { PlanningModule } from '@gantry/planning';
import type { BootOptions } from '@gantry/platform';
import { RecordsModule } from '@gantry/records';
import { VerificationModule } from '@gantry/verification';
import { serveConsole } from './console';

/** All five services in one process, on one port: the embedded default, and what the route table is made from. */
export const standalone: BootOptions = {
  modules: (runtime) => [
    PlanningModule.register(runtime),
    VerificationModule.register(runtime),
    ExecutionModule.register(runtime),
    RecordsModule.register(runtime),
    ModelReviewModule.register(runtime, { starterCatalogue: true }),
  ],
  grpc: true,
  http: serveConsole,
};
