import { runMain } from '@gantry/platform';
import { VerificationModule } from './verification.module';

void runMain('verification', { modules: (runtime) => [VerificationModule.register(runtime)] });
