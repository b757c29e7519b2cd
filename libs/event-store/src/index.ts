export * from './database';
export * from './types';
export * from './event-store';
export * from './canonical-json';
export * from './migrations';
export * from './read-models';
export * from './event-export';
