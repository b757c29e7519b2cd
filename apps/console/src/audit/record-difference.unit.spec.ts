import { recordDifferences, shown } from './record-difference';

/** The rebuilt record against the live one, as GET /audit/deployments/:id answers them (the live one from jsonb). */
const rebuilt = {
  deploymentId: 'd-1',
  phase: 'closed',
  outcome: 'succeeded',
  model: null,
  approvals: [{ gate: 'staging approval', by: 'bob', role: 'deployment-manager' }],
  targetsReached: [{ name: 'staging-1', action: 'deployed', components: [{ name: 'payments-api', version: '2.4.1' }] }],
  events: 25,
};

it('finds none between records that differ only in the order of their keys', () => {
  const live = { events: 25, targetsReached: [{ components: [{ version: '2.4.1', name: 'payments-api' }], action: 'deployed', name: 'staging-1' }], approvals: [{ role: 'deployment-manager', by: 'bob', gate: 'staging approval' }], model: null, outcome: 'succeeded', phase: 'closed', deploymentId: 'd-1' };
  expect(recordDifferences(rebuilt, live)).toEqual([]);
});

it('names each field that differs, however deep, with both values', () => {
  const live = structuredClone(rebuilt) as Record<string, any>;
  live.outcome = 'failed';
  live.targetsReached[0].components[0].version = '2.4.0';
  live.events = 24;
  expect(recordDifferences(rebuilt, live)).toEqual([
    { field: 'events', rebuilt: 25, live: 24 },
    { field: 'outcome', rebuilt: 'succeeded', live: 'failed' },
    { field: 'targetsReached[0].components[0].version', rebuilt: '2.4.1', live: '2.4.0' },
  ]);
});

it('names a field one record lacks, an item one list lacks, and null apart from missing', () => {
  const { outcome: _outcome, ...live } = structuredClone(rebuilt) as Record<string, any>;
  live.approvals.push({ gate: 'security', by: 'eve', role: 'service-owner' });
  live.closedAt = '2026-12-07T14:38:31.076Z';
  delete live.model;
  expect(recordDifferences(rebuilt, live)).toEqual([
    { field: 'approvals[1]', rebuilt: undefined, live: { gate: 'security', by: 'eve', role: 'service-owner' } },
    { field: 'closedAt', rebuilt: undefined, live: '2026-12-07T14:38:31.076Z' },
    { field: 'model', rebuilt: null, live: undefined },
    { field: 'outcome', rebuilt: 'succeeded', live: undefined },
  ]);
});

it('names a field whose kind differs as one difference, not its parts', () => {
  expect(recordDifferences({ window: { start: 'a', end: 'b' } }, { window: ['a', 'b'] })).toEqual([{ field: 'window', rebuilt: { start: 'a', end: 'b' }, live: ['a', 'b'] }]);
  expect(recordDifferences('x', 'y')).toEqual([{ field: '', rebuilt: 'x', live: 'y' }]);
});

it('shows values as cells do: text as it is, the rest as JSON with sorted keys, a missing field as a dash', () => {
  expect(shown('closed')).toBe('closed');
  expect(shown({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  expect(shown(null)).toBe('null');
  expect(shown(undefined)).toBe('—');
});
