import type { Slice } from '@gantry/platform';
import { SigningKeysController } from './signing-keys.controller';
import { TrustedKeys } from './trusted-keys';

/** The keys whose signatures on component versions verification trusts, and their revocation. */
export const signingKeysSlice = (keys: TrustedKeys): Slice => ({
  name: 'signing-keys',
  doors: [SigningKeysController],
  provides: [{ provide: TrustedKeys, useValue: keys }],
});
