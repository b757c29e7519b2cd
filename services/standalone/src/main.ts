import { ExecutionModule } from '@gantry/execution';
import { ModelReviewModule } from '@gantry/model-review';
import { PlanningModule } from '@gantry/planning';
import { runMain } from '@gantry/platform';
import { RecordsModule } from '@gantry/records';
import { VerificationModule } from '@gantry/verification';

/** The embedded default: all five services in one process, on one port (PGlite and the in-process bus unless configured). */
void runMain('standalone', {
  modules: (runtime) => [
    PlanningModule.register(runtime),
    VerificationModule.register(runtime),
    ExecutionModule.register(runtime),
    RecordsModule.register(runtime),
    ModelReviewModule.register(runtime, { starterCatalogue: true }),
  ],
  grpc: true,
});
