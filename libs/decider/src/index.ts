export * from './decider';
export * from './policy';
export * from './specification';
export * from './duties';
