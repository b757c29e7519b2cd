import { runMain } from '@gantry/platform';
import { ExecutionModule } from '../../execution/src/execution.module';
import { ModelReviewModule } from '../../model-review/src/model-review.module';
import { PlanningModule } from '../../planning/src/planning.module';
import { RecordsModule } from '../../records/src/records.module';
import { VerificationModule } from '../../verification/src/verification.module';

/** The embedded default: all five services in one process, on one port (PGlite and the in-process bus unless configured). */
void runMain('standalone', {
  modules: (runtime) => [
    PlanningModule.register(runtime),
    VerificationModule.register(runtime),
    ExecutionModule.register(runtime),
    RecordsModule.register(runtime),
    ModelReviewModule.register(runtime),
  ],
  grpc: true,
});
