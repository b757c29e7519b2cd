import { keyRegistrySlice, type Slice } from '@gantry/platform';
import type { TrustedKeys } from './trusted-keys';

/** The keys whose signatures on component versions verification trusts, and their revocation. */
export const signingKeysSlice = (keys: TrustedKeys): Slice => keyRegistrySlice('signing-keys', 'SigningKeysController', keys);
