import { specification } from '@gantry/decider';
import { SAMPLE_SUPPLIER } from '@gantry/contracts';
import { supplierDecider } from './supplier.decider';

const spec = specification(supplierDecider);
const now = '2026-11-01T08:00:00.000Z';
const rackworks = SAMPLE_SUPPLIER;
const registered = { type: 'SupplierRegistered' as const, data: { ...rackworks, registeredAt: now } };

describe('RegisterSupplier', () => {
  it('a new supplier is registered with its contact and scope', () => spec.given([]).when({ type: 'RegisterSupplier', definition: rackworks, now }).then([registered]));

  it('registering the same supplier again changes nothing', () =>
    spec.given([registered]).when({ type: 'RegisterSupplier', definition: rackworks, now: '2026-11-02T00:00:00.000Z' }).thenNothing());

  it('another definition under a registered name is refused', () =>
    spec
      .given([registered])
      .when({ type: 'RegisterSupplier', definition: { ...rackworks, scope: { environments: ['staging'] } }, now })
      .thenRefused({ code: 'SupplierAlreadyRegistered', name: 'rackworks' }));
});

describe('UpdateSupplier', () => {
  const wider = { ...rackworks, scope: { ...rackworks.scope, sites: ['eu', 'us'] } };
  it('a registered supplier takes a new scope', () =>
    spec.given([registered]).when({ type: 'UpdateSupplier', definition: wider, now }).then([{ type: 'SupplierUpdated', data: { ...wider, updatedAt: now } }]));

  it('the same definition again changes nothing', () => spec.given([registered]).when({ type: 'UpdateSupplier', definition: rackworks, now }).thenNothing());

  it('a supplier that was never registered cannot be updated', () =>
    spec.given([]).when({ type: 'UpdateSupplier', definition: wider, now }).thenRefused({ code: 'SupplierNotRegistered', name: 'rackworks' }));
});
