export { adoptionConsumer, adoptionMigrations } from './adoption';
export { AdoptionController } from './adoption.controller';
