import { specification } from '@gantry/decider';
import { environmentDecider } from './environment.decider';
import { production } from '../test-fixtures';

const spec = specification(environmentDecider);
const now = '2026-11-01T08:00:00.000Z';
const registered = { type: 'EnvironmentRegistered' as const, data: { ...production, registeredAt: now } };

describe('RegisterEnvironment', () => {
  it('a new environment is registered with its windows, freezes, targets and approval policy', () =>
    spec.given([]).when({ type: 'RegisterEnvironment', definition: production, now }).then([registered]));

  it('registering the same definition again changes nothing', () =>
    spec.given([registered]).when({ type: 'RegisterEnvironment', definition: production, now: '2026-11-02T00:00:00.000Z' }).thenNothing());

  it('another definition under a registered name is refused', () =>
    spec
      .given([registered])
      .when({ type: 'RegisterEnvironment', definition: { ...production, position: 6 }, now })
      .thenRefused({ code: 'EnvironmentAlreadyRegistered', name: 'production' }));

  it('a time zone the runtime does not know is refused', () =>
    spec
      .given([])
      .when({ type: 'RegisterEnvironment', definition: { ...production, timeZone: 'Mars/Olympus_Mons' }, now })
      .thenRefused({ code: 'UnknownTimeZone', timeZone: 'Mars/Olympus_Mons' }));

  it('targets must be distinct', () =>
    spec
      .given([])
      .when({ type: 'RegisterEnvironment', definition: { ...production, targets: [production.targets[0], production.targets[0]] }, now })
      .thenRefused({ code: 'DuplicateTarget', target: 'prod-eu-1' }));

  it('a freeze needs either a one-off period or a weekly one', () =>
    spec
      .given([])
      .when({ type: 'RegisterEnvironment', definition: { ...production, freezes: [{ id: 'open-ended', reason: 'r', start: '2026-12-01T00:00:00Z' }] }, now })
      .thenRefused({ code: 'FreezeWithoutPeriod', freezeId: 'open-ended' }));

  it('a freeze that ends before it starts is refused', () =>
    spec
      .given([])
      .when({ type: 'RegisterEnvironment', definition: { ...production, freezes: [{ id: 'backwards', reason: 'r', start: '2026-12-02T00:00:00Z', end: '2026-12-01T00:00:00Z' }] }, now })
      .thenRefused({ code: 'FreezeEndsBeforeItStarts', freezeId: 'backwards' }));

  it('freeze ids must be distinct', () =>
    spec
      .given([])
      .when({ type: 'RegisterEnvironment', definition: { ...production, freezes: [production.freezes[0], production.freezes[0]] }, now })
      .thenRefused({ code: 'DuplicateFreeze', freezeId: 'year-end' }));
});

describe('UpdateEnvironment', () => {
  const changed = { ...production, freezes: [] };
  it('an active environment takes a new definition', () =>
    spec.given([registered]).when({ type: 'UpdateEnvironment', definition: changed, now }).then([{ type: 'EnvironmentUpdated', data: { ...changed, updatedAt: now } }]));

  it('the same definition again changes nothing', () => spec.given([registered]).when({ type: 'UpdateEnvironment', definition: production, now }).thenNothing());

  it('an environment that was never registered cannot be updated', () =>
    spec.given([]).when({ type: 'UpdateEnvironment', definition: changed, now }).thenRefused({ code: 'EnvironmentNotRegistered', name: 'production' }));

  it('a decommissioned environment cannot be updated', () =>
    spec
      .given([registered, { type: 'EnvironmentDecommissioned', data: { name: 'production', reason: 'moved', decommissionedAt: now } }])
      .when({ type: 'UpdateEnvironment', definition: changed, now })
      .thenRefused({ code: 'EnvironmentDecommissioned', name: 'production' }));
});

describe('DecommissionEnvironment', () => {
  const decommissioned = { type: 'EnvironmentDecommissioned' as const, data: { name: 'production', reason: 'moved to the new data centre', decommissionedAt: now } };
  it('an active environment is decommissioned with the reason', () =>
    spec.given([registered]).when({ type: 'DecommissionEnvironment', name: 'production', reason: 'moved to the new data centre', now }).then([decommissioned]));

  it('decommissioning again changes nothing', () =>
    spec.given([registered, decommissioned]).when({ type: 'DecommissionEnvironment', name: 'production', reason: 'again', now }).thenNothing());

  it('an environment that was never registered cannot be decommissioned', () =>
    spec.given([]).when({ type: 'DecommissionEnvironment', name: 'production', reason: 'r', now }).thenRefused({ code: 'EnvironmentNotRegistered', name: 'production' }));
});
