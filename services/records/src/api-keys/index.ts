export { ApiKeysController } from './api-keys.controller';
