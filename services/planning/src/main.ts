import { runMain } from '@gantry/platform';
import { PlanningModule } from './planning.module';

void runMain('planning', { modules: (runtime) => [PlanningModule.register(runtime)], grpc: true });
