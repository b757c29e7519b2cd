import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Database } from '@gantry/event-store';
import { Clock } from './clock';
import type { ServiceRuntime } from './runtime';

export const RUNTIME = Symbol('ServiceRuntime');

@Global()
@Module({})
export class RuntimeModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: Database, useValue: runtime.db },
        { provide: Clock, useValue: runtime.clock },
      ],
      exports: [RUNTIME, Database, Clock],
    };
  }
}
