export { apiKeysSlice } from './api-keys.slice';
