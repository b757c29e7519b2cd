export * from './roles';
export * from './identity';
export * from './config';
export * from './authenticate';
export * from './tokens';
export * from './decorators';
export * from './auth.guard';
export * from './auth.module';
