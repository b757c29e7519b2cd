export * from './tracing';
export * from './log-level';
export * from './json-logger';
export * from './metrics';
export * from './http-metrics.middleware';
export * from './health';
export * from './observability.module';
