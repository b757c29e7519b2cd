export { AuthorisationKeys, type AuthorisationKey, type SignedProof } from './authorisation-keys';
export { authorisationKeysSlice } from './authorisation-keys.slice';
