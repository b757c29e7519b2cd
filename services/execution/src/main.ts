import { runMain } from '@gantry/platform';
import { ExecutionModule } from './execution.module';

void runMain('execution', { modules: (runtime) => [ExecutionModule.register(runtime)], grpc: true });
