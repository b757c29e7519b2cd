import type { CloudEventEnvelope } from '@gantry/contracts';
import type { LedgerEntry } from '../ledger';
import { causalOrder } from './causal-order';

const entry = (position: number, id: string, causationid: string | undefined, time: string, source = '/gantry/x', streamversion = 1): LedgerEntry => ({
  position,
  topic: 't',
  deploymentId: 'd',
  recordedAt: time,
  previousHash: '',
  hash: '',
  event: { specversion: '1.0', id, source, type: id, time, causationid, streamversion } as CloudEventEnvelope,
});

it('an effect that reached the ledger before its cause is placed after it', () => {
  const requested = entry(3, 'requested', 'http-request', '2026-01-01T00:00:00.000Z', '/gantry/planning', 1);
  const planned = entry(4, 'planned', 'http-request', '2026-01-01T00:00:00.000Z', '/gantry/planning', 2);
  const verified = entry(1, 'verified', 'planned', '2026-01-01T00:00:01.000Z');
  const started = entry(2, 'started', 'verified', '2026-01-01T00:00:00.500Z');
  expect(causalOrder([verified, started, requested, planned]).map((e) => e.event.id)).toEqual(['requested', 'planned', 'verified', 'started']);
});
