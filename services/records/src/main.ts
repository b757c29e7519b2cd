import { runMain } from '@gantry/platform';
import { RecordsModule } from './records.module';

void runMain('records', { modules: (runtime) => [RecordsModule.register(runtime)], grpc: true });
