import { HttpException } from '@nestjs/common';
import { Database } from '@gantry/event-store';
import { DeploymentWatch } from './deployment-watch';

/** The watchers' bookkeeping, woken by this process's commits (the embedded default's way); no statement is run. */
describe('DeploymentWatch', () => {
  const db = Database.connect('postgres://nobody@127.0.0.1:1/never-connected');
  afterAll(() => db.close());
  const newWatch = (maxWatchers = 2) => new DeploymentWatch(db, 'planning', { maxWatchers, rereadMs: 60_000, changes: 'commits' });

  it('wakes every watcher at a commit, and keeps a wake that came while it was not waiting', async () => {
    const watch = newWatch();
    const [first, second] = [await watch.enter('d-1'), await watch.enter('d-2')];
    const woken = Promise.all([first.changed(), second.changed()]);
    db.notifyCommitted();
    await woken;
    db.notifyCommitted();
    await first.changed();
    [first, second].forEach((w) => watch.leave(w));
    await watch.onApplicationShutdown();
  });

  it('refuses a watcher past the bound with 429 (gRPC RESOURCE_EXHAUSTED), and takes one again once another left', async () => {
    const watch = newWatch(2);
    const [first] = [await watch.enter('d-1'), await watch.enter('d-1')];
    await expect(watch.enter('d-1')).rejects.toBeInstanceOf(HttpException);
    await expect(watch.enter('d-1')).rejects.toMatchObject({ status: 429 });
    watch.leave(first!);
    expect(watch.count).toBe(1);
    await watch.enter('d-1');
    expect(watch.count).toBe(2);
    await watch.onApplicationShutdown();
  });

  it('frees a watcher that leaves while waiting: its wait ends, and nothing of it stays', async () => {
    const watch = newWatch();
    const watcher = await watch.enter('d-1');
    const waiting = watcher.changed();
    watch.leave(watcher);
    await waiting;
    expect(watch.count).toBe(0);
    await watch.onApplicationShutdown();
  });
});
