import { validateItamComponentEvent } from './itam';

/** The authorised repository's entries: bytes for what has bytes, units and documents for hardware. */
describe('itam.components.v1 ComponentVersionRegistered', () => {
  const rackServer = {
    name: 'rack-server-r760',
    version: '2026.1',
    kind: 'hardware',
    source: 'vendor: Dell, order PO-2026-118',
    units: [{ serial: 'SN-7QX2K41' }, { serial: 'SN-7QX2K42', warrantyUntil: '2031-01-31T00:00:00Z' }],
    documents: [{ kind: 'warranty', reference: 'https://vendor.example/warranty/PO-2026-118', digest: `sha256:${'12'.repeat(32)}` }],
  };

  it('a hardware version is an entry without bytes: its units and documents instead of a digest and a size', () => expect(validateItamComponentEvent('ComponentVersionRegistered', rackServer)).toBeNull());

  it('every other kind must name the digest and size of its bytes', () => {
    const { units: _u, documents: _d, ...rest } = rackServer;
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...rest, kind: 'software' })).toMatch(/digest is required/);
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...rest, kind: 'software', digest: `sha256:${'ab'.repeat(32)}` })).toMatch(/size is required/);
  });

  it('a unit without a serial, or an unknown kind of document, is refused', () => {
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...rackServer, units: [{ warrantyUntil: '2031-01-31T00:00:00Z' }] })).toMatch(/serial is required/);
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...rackServer, documents: [{ kind: 'receipt', reference: 'x' }] })).toMatch(/kind/);
  });

  const image = { name: 'win11-finance', version: '2026.12', kind: 'workstation-image', source: 'build: imaging pipeline', digest: `sha256:${'cd'.repeat(32)}`, size: 6_442_450_944 };
  const driver = { name: 'dock-wd22', version: '1.0.7', kind: 'driver-package', source: 'vendor: Dell', digest: `sha256:${'ef'.repeat(32)}`, size: 48_000_000 };

  it('a workstation image is an entry with bytes: without its digest and size it is refused', () => {
    expect(validateItamComponentEvent('ComponentVersionRegistered', image)).toBeNull();
    const { digest: _d, ...withoutDigest } = image;
    expect(validateItamComponentEvent('ComponentVersionRegistered', withoutDigest)).toMatch(/digest is required/);
  });

  it('a driver package may name the images and hardware it is for', () => {
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...driver, requirements: { compatibleWith: ['win11-finance', 'rack-server-r760'] } })).toBeNull();
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...driver, requirements: { compatibleWith: [] } })).toMatch(/compatibleWith/);
    expect(validateItamComponentEvent('ComponentVersionRegistered', { ...driver, requirements: { compatibleWith: ['win11-finance', 'win11-finance'] } })).toMatch(/compatibleWith/);
  });
});
