export { KpisController } from './kpis.controller';
