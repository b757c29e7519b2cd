export * from './database';
export * from './eventually';
export * from './private-postgres';
export * from './ports';
export * from './http';
export * from './own-broker';
export * from './prometheus';
export * from './otlp-receiver';
