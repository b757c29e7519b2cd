import { verificationPolicyFromEnv } from './verification-policy';

describe('GANTRY_SIGNED_KINDS: the signing policy', () => {
  it('unset: software, configuration, data, workstation images and driver packages must be signed', () =>
    expect(verificationPolicyFromEnv({}).signedKinds).toEqual(['software', 'configuration', 'data', 'workstation-image', 'driver-package']));
  it('a list of component kinds', () => expect(verificationPolicyFromEnv({ GANTRY_SIGNED_KINDS: 'software, licence' }).signedKinds).toEqual(['software', 'licence']));
  it('`none`: no kind', () => expect(verificationPolicyFromEnv({ GANTRY_SIGNED_KINDS: 'none' }).signedKinds).toEqual([]));
  it('an unknown kind stops the service at boot', () =>
    expect(() => verificationPolicyFromEnv({ GANTRY_SIGNED_KINDS: 'software,firmware' })).toThrow('GANTRY_SIGNED_KINDS holds component kinds (software, hardware, documentation, licence, data, configuration, workstation-image, driver-package) or none, got "firmware"'));
});
