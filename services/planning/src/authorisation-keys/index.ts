export type { AuthorisationKey } from './authorisation-key.decider';
export { AuthorisationKeys, type SignedProof } from './authorisation-keys';
export { authorisationKeysSlice } from './authorisation-keys.slice';
