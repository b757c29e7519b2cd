import { keyRegistrySlice, type Slice } from '@gantry/platform';
import type { AuthorisationKeys } from './authorisation-keys';

/** Change enablement's keys whose signed authorisations of changes planning trusts, and their revocation. */
export const authorisationKeysSlice = (keys: AuthorisationKeys): Slice => keyRegistrySlice('authorisation-keys', 'AuthorisationKeysController', keys);
