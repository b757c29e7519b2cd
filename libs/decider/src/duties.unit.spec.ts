import { identityKey, sameIdentity } from './duties';

describe('identities compared for the separation of duties', () => {
  it('case-insensitive: subjects differing in case are one person', () => {
    expect(sameIdentity('U-DEPLOYMENT-MANAGER', 'u-deployment-manager', 'insensitive')).toBe(true);
    expect(sameIdentity('dana', 'rita', 'insensitive')).toBe(false);
  });

  it('case-sensitive: case tells them apart, as the identity provider says', () => {
    expect(sameIdentity('U-DEPLOYMENT-MANAGER', 'u-deployment-manager', 'sensitive')).toBe(false);
    expect(sameIdentity('dana', 'dana', 'sensitive')).toBe(true);
  });

  it('Unicode compatibility forms are one person either way (full-width letters)', () => {
    expect(sameIdentity('ｕ-deployment-manager', 'u-deployment-manager', 'sensitive')).toBe(true);
    expect(identityKey('Ｕ-DM', 'insensitive')).toBe('u-dm');
  });
});
