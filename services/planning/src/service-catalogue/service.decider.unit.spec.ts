import { specification } from '@gantry/decider';
import { SAMPLE_SERVICE } from '@gantry/contracts';
import { serviceDecider } from './service.decider';

const spec = specification(serviceDecider);
const now = '2026-11-01T08:00:00.000Z';
const payments = SAMPLE_SERVICE;
const registered = { type: 'ServiceRegistered' as const, data: { ...payments, registeredAt: now } };

describe('RegisterService', () => {
  it('a new service enters the catalogue with its owner, stakeholders, dependencies and channels', () =>
    spec.given([]).when({ type: 'RegisterService', definition: payments, now }).then([registered]));

  it('registering the same entry again changes nothing', () =>
    spec.given([registered]).when({ type: 'RegisterService', definition: payments, now: '2026-11-02T00:00:00.000Z' }).thenNothing());

  it('another entry under a registered name is refused', () =>
    spec
      .given([registered])
      .when({ type: 'RegisterService', definition: { ...payments, description: 'something else' }, now })
      .thenRefused({ code: 'ServiceAlreadyRegistered', name: 'payments' }));

  it('a service that depends on itself is refused', () =>
    spec
      .given([])
      .when({ type: 'RegisterService', definition: { ...payments, dependencies: ['payments'] }, now })
      .thenRefused({ code: 'ServiceDependsOnItself', name: 'payments' }));

  it('channel names must be distinct', () =>
    spec
      .given([])
      .when({ type: 'RegisterService', definition: { ...payments, channels: [payments.channels[0], payments.channels[0]] }, now })
      .thenRefused({ code: 'DuplicateChannel', channel: 'ops-chat' }));
});

describe('UpdateService', () => {
  const changed = { ...payments, dependencies: ['ledger-db', 'fraud-check'] };
  it('a registered service takes a new entry', () =>
    spec.given([registered]).when({ type: 'UpdateService', definition: changed, now }).then([{ type: 'ServiceUpdated', data: { ...changed, updatedAt: now } }]));

  it('the same entry again changes nothing', () => spec.given([registered]).when({ type: 'UpdateService', definition: payments, now }).thenNothing());

  it('a service that was never registered cannot be updated', () =>
    spec.given([]).when({ type: 'UpdateService', definition: changed, now }).thenRefused({ code: 'ServiceNotRegistered', name: 'payments' }));
});
