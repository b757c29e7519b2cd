export * from './errors';
export * from './rest';
export type { paths, operations } from './generated/rest';
export { OPERATION_SERVICES } from './generated/operations';
