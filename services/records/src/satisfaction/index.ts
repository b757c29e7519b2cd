export { SatisfactionController } from './satisfaction.controller';
export { projectSatisfactionResponse, satisfactionMigrations, satisfactionResponsesBetween } from './satisfaction.projection';
