import { specification } from '@gantry/decider';
import type { ComponentVersionDefinition } from '@gantry/contracts';
import { componentVersionDecider } from './component-version.decider';

const definition: ComponentVersionDefinition = {
  name: 'payments-api',
  version: '2.4.1',
  kind: 'software',
  digest: `sha256:${'ab'.repeat(32)}`,
  size: 1024,
  source: 'ci.example.com/payments',
  signature: 'c2lnbmF0dXJl',
  keyId: 'ci-2026',
};
const now = '2026-11-20T10:00:00.000Z';
const registered = { type: 'ComponentVersionRegistered' as const, data: { ...definition, registeredAt: now } };
const withdrawn = { type: 'ComponentVersionWithdrawn' as const, data: { name: 'payments-api', version: '2.4.1', reason: 'CVE-2026-1234', withdrawnAt: now } };
const spec = specification(componentVersionDecider);

describe('RegisterComponentVersion', () => {
  it('a new version enters the authorised repository', () => spec.given([]).when({ type: 'RegisterComponentVersion', definition, now }).then([registered]));
  it('the same name and version with another digest is refused: an entry never changes', () =>
    spec
      .given([registered])
      .when({ type: 'RegisterComponentVersion', definition: { ...definition, digest: `sha256:${'cd'.repeat(32)}` }, now })
      .thenRefused({ code: 'VersionAlreadyRegistered', name: 'payments-api', version: '2.4.1' }));
  it('registering the same entry again changes nothing', () => spec.given([registered]).when({ type: 'RegisterComponentVersion', definition, now }).thenNothing());
  it('a withdrawn version cannot come back', () =>
    spec.given([registered, withdrawn]).when({ type: 'RegisterComponentVersion', definition, now }).thenRefused({ code: 'VersionWithdrawn', name: 'payments-api', version: '2.4.1' }));
});

describe('WithdrawComponentVersion', () => {
  const withdraw = { type: 'WithdrawComponentVersion' as const, name: 'payments-api', version: '2.4.1', reason: 'CVE-2026-1234', now };
  it('a registered version is withdrawn with its reason', () => spec.given([registered]).when(withdraw).then([withdrawn]));
  it('a version never registered cannot be withdrawn', () => spec.given([]).when(withdraw).thenRefused({ code: 'VersionNotRegistered', name: 'payments-api', version: '2.4.1' }));
  it('withdrawing again changes nothing', () => spec.given([registered, withdrawn]).when(withdraw).thenNothing());
});
