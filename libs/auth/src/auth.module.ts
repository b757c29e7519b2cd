import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_CONFIG, AuthGuard } from './auth.guard';
import type { AuthConfig } from './config';

/** Installs AuthGuard for every route of the application. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_CONFIG, useValue: config }, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [AUTH_CONFIG],
    };
  }
}
