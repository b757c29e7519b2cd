import { periodAsked } from './query-periods';

const now = new Date('2026-12-01T10:00:00.000Z');
const iso = ({ from, to }: { from: Date; to: Date }) => ({ from: from.toISOString(), to: to.toISOString() });

describe('the period a read asks about', () => {
  it('without from and to: the span ending now, or starting now', () => {
    expect(iso(periodAsked({}, now, { days: 30, looking: 'back' }))).toEqual({ from: '2026-11-01T10:00:00.000Z', to: '2026-12-01T10:00:00.000Z' });
    expect(iso(periodAsked({}, now, { days: 14, looking: 'ahead' }))).toEqual({ from: '2026-12-01T10:00:00.000Z', to: '2026-12-15T10:00:00.000Z' });
  });

  it('with from alone: the span starting at from; with to alone: the span ending at to, whichever way the default looks', () => {
    for (const looking of ['back', 'ahead'] as const) {
      expect(iso(periodAsked({ from: '2026-06-01T00:00:00Z' }, now, { days: 30, looking }))).toEqual({ from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' });
      expect(iso(periodAsked({ to: '2026-06-15T00:00:00+02:00' }, now, { days: 14, looking }))).toEqual({ from: '2026-05-31T22:00:00.000Z', to: '2026-06-14T22:00:00.000Z' });
    }
  });

  it('with both: as given, even the wrong way round (the caller refuses that)', () => {
    expect(iso(periodAsked({ from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' }, now, { days: 30, looking: 'back' }))).toEqual({
      from: '2026-06-02T00:00:00.000Z',
      to: '2026-06-01T00:00:00.000Z',
    });
  });
});
