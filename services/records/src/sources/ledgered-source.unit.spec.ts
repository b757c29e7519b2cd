import { GENESIS_HASH, hashedEventFields, hashEvent, type RecordedEvent } from '@gantry/event-store';
import { matchWithLedger, type LedgeredSource } from './ledgered-source';

/** An event of planning's store as it was recorded, with its hash; and the ledger's record of it when published. */
const recorded = (data: unknown = { name: 'env-a' }): RecordedEvent => {
  const event = {
    position: '3',
    transactionId: '900',
    streamId: 'Environment-env-a',
    streamType: 'Environment',
    streamVersion: 1,
    id: '6f1c2a4e-0b9e-4c3e-9a51-0d7a3f1f2b11',
    type: 'EnvironmentRegistered',
    schemaVersion: 1,
    data,
    metadata: { actor: { subject: 'dana', roles: ['deployment-manager'], channel: 'rest' }, correlationId: 'c-1' },
    recordedAt: new Date('2026-12-01T10:00:00.000Z'),
    previousHash: GENESIS_HASH,
    hash: '',
  };
  return { ...event, hash: hashEvent(GENESIS_HASH, hashedEventFields(event)) };
};
const ledgered = (event: RecordedEvent): LedgeredSource => ({
  ledgerPosition: 17,
  eventId: event.id,
  source: '/gantry/planning',
  type: 'gantry.planning.EnvironmentRegistered.v1',
  stream: 'env-a',
  streamVersion: 1,
  sourceEventHash: event.hash,
});
const rehashed = (event: RecordedEvent): RecordedEvent => ({ ...event, hash: hashEvent(event.previousHash, hashedEventFields(event)) });

it('the event the service published matches the ledger', () => {
  const event = recorded();
  expect(matchWithLedger('planning', event, ledgered(event))).toEqual({ kind: 'matches' });
});

it('an edit with the hash left alone no longer hashes to what both recorded', () => {
  const record = ledgered(recorded());
  expect(matchWithLedger('planning', { ...recorded(), data: { name: 'env-z' } }, record)).toEqual({ kind: 'mismatch', reason: expect.stringContaining('no longer hashes') });
});

it('an edit with the hash recomputed is a rewrite the ledger contradicts', () => {
  const record = ledgered(recorded());
  expect(matchWithLedger('planning', rehashed({ ...recorded(), data: { name: 'env-z' } }), record)).toEqual({ kind: 'mismatch', reason: expect.stringContaining('rewritten after it was published') });
});

it('an event moved to another stream, version or type, or claimed from another service, is a mismatch', () => {
  const event = recorded();
  const record = ledgered(event);
  expect(matchWithLedger('planning', rehashed({ ...event, streamId: 'Environment-env-b' }), record)).toMatchObject({ kind: 'mismatch', reason: 'the ledger recorded stream env-a, the store holds env-b' });
  expect(matchWithLedger('planning', rehashed({ ...event, streamVersion: 2 }), record)).toMatchObject({ kind: 'mismatch', reason: 'the ledger recorded stream version 1, the store holds 2' });
  expect(matchWithLedger('planning', rehashed({ ...event, type: 'EnvironmentDecommissioned' }), record)).toMatchObject({ kind: 'mismatch', reason: expect.stringContaining('the store holds gantry.planning.EnvironmentDecommissioned.v1') });
  expect(matchWithLedger('execution', event, record)).toMatchObject({ kind: 'mismatch', reason: expect.stringContaining('not from /gantry/execution') });
});

it('an event the ledger recorded before events carried their hash is not comparable, not intact', () => {
  const event = recorded();
  expect(matchWithLedger('planning', event, { ...ledgered(event), sourceEventHash: null, streamVersion: null })).toEqual({ kind: 'not-comparable', reason: expect.stringContaining('eventhash') });
});
