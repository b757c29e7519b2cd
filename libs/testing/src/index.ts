export * from './ports';
export * from './database';
export * from './eventually';
