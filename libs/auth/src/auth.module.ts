import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AUTH_CONFIG, AuthService } from './auth.service';
import type { AuthConfig } from './config';

/** Installs AuthGuard for every HTTP route of the application, and provides AuthService everywhere. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_CONFIG, useValue: config }, AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [AUTH_CONFIG, AuthService],
    };
  }
}
