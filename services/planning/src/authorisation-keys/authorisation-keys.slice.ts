import type { Slice } from '@gantry/platform';
import { AuthorisationKeys } from './authorisation-keys';
import { AuthorisationKeysController } from './authorisation-keys.controller';

/** Change enablement's keys whose signed authorisations of changes planning trusts, and their revocation. */
export const authorisationKeysSlice = (keys: AuthorisationKeys): Slice => ({
  name: 'authorisation-keys',
  doors: [AuthorisationKeysController],
  provides: [{ provide: AuthorisationKeys, useValue: keys }],
});
