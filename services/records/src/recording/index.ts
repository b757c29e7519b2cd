export { LedgerWriter } from './ledger-writer';
export { recordsMigrations } from './projections';
export { ProjectionsController } from './projections.controller';
