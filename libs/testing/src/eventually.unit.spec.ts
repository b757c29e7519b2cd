import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the first value that holds', async () => {
    let calls = 0;
    await expect(eventually(() => ++calls >= 3 && calls, { intervalMs: 1 })).resolves.toBe(3);
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 20, intervalMs: 5, what: 'the thing' },
      ),
    ).rejects.toThrow(/timed out after 20 ms waiting for the thing: Error: not yet/);
  });

  it('ends at once with the reason when its signal aborts, even while a probe hangs', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = eventually(() => new Promise<boolean>(() => undefined), { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('planning exited with code 1')), 10);
    await expect(waiting).rejects.toThrow('planning exited with code 1');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails before the first probe when its signal has already aborted', async () => {
    const probe = jest.fn(() => true);
    await expect(eventually(probe, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(probe).not.toHaveBeenCalled();
  });
});
