import { runMain } from '@gantry/platform';
import { ModelReviewModule } from './model-review.module';

void runMain('model-review', { modules: (runtime) => [ModelReviewModule.register(runtime)] });
