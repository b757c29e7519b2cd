import { HttpException, HttpStatus, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Database, Listening } from '@gantry/event-store';
import { wholeNumberSetting, type GantryConfig } from '@gantry/platform';
import { deploymentChangedChannel } from '../planning-facts';

/** The bounds of WatchDeployment in one process. */
export interface WatchSettings {
  /** watchers this process serves at once (GANTRY_WATCH_MAX_STREAMS); one more is RESOURCE_EXHAUSTED */
  maxWatchers: number;
  /** every watcher re-reads its deployment this often (GANTRY_WATCH_REREAD_MS), whatever it heard: the fallback for a lost notification */
  rereadMs: number;
  /**
   * `notify`: PostgreSQL LISTEN on the planning schema's channel, which every replica's commits reach; `commits`: every
   * commit of this process (the embedded default, where this process is the only writer)
   */
  changes: 'notify' | 'commits';
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = { maxWatchers: 500, rereadMs: 5_000, changes: 'notify' };

export const watchSettingsFrom = (config: Pick<GantryConfig, 'env' | 'databaseUrl'>): WatchSettings => ({
  maxWatchers: wholeNumberSetting(config.env, 'GANTRY_WATCH_MAX_STREAMS', DEFAULT_WATCH_SETTINGS.maxWatchers, 1),
  rereadMs: wholeNumberSetting(config.env, 'GANTRY_WATCH_REREAD_MS', DEFAULT_WATCH_SETTINGS.rereadMs, 100),
  changes: config.databaseUrl ? 'notify' : 'commits',
});

/** One client following one deployment: waits for the next change of it. */
export class Watcher {
  private wake: (() => void) | undefined;
  private pending = false;

  constructor(readonly deploymentId: string) {}

  /** Resolves at the next change, or at once when one came since the last wait. */
  changed(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.wake = resolve));
  }

  poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    if (wake) wake();
    else this.pending = true;
  }
}

/**
 * The watchers of deployments in this process, and what tells them their deployment changed: the planning schema's
 * NOTIFY (announceDeploymentChange, sent in the transaction of every change, by whichever replica made it) or, in the
 * embedded default, every commit of the process; and a re-read every `rereadMs` besides. The LISTEN connection is
 * opened with the first watcher and kept until the process stops.
 */
export class DeploymentWatch implements OnApplicationShutdown {
  private readonly watchers = new Set<Watcher>();
  private readonly logger = new Logger('planning.deployment-watch');
  private listening: Promise<Listening | (() => void)> | undefined;
  private rereads: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly schema: string,
    private readonly settings: WatchSettings = DEFAULT_WATCH_SETTINGS,
  ) {}

  /** how many watchers this process serves now */
  get count(): number {
    return this.watchers.size;
  }

  /** A new watcher of the deployment; 429 (gRPC RESOURCE_EXHAUSTED) past `maxWatchers`. Resolves once changes reach it. */
  async enter(deploymentId: string): Promise<Watcher> {
    if (this.watchers.size >= this.settings.maxWatchers) {
      throw new HttpException(`this process already serves ${this.settings.maxWatchers} watchers (GANTRY_WATCH_MAX_STREAMS); try again later`, HttpStatus.TOO_MANY_REQUESTS);
    }
    const watcher = new Watcher(deploymentId);
    this.watchers.add(watcher);
    this.rereads ??= setInterval(() => this.watchers.forEach((w) => w.poke()), this.settings.rereadMs).unref();
    try {
      await (this.listening ??= this.listen());
    } catch (error) {
      // the re-reads still reach it; the next watcher tries LISTEN again
      this.listening = undefined;
      this.logger.warn(`cannot LISTEN for deployment changes, watchers re-read every ${this.settings.rereadMs} ms: ${(error as Error).message}`);
    }
    return watcher;
  }

  /** The watcher is gone (its stream ended or its client cancelled): nothing of it stays. */
  leave(watcher: Watcher): void {
    this.watchers.delete(watcher);
    watcher.poke();
    if (this.watchers.size === 0) {
      clearInterval(this.rereads);
      this.rereads = undefined;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.rereads);
    this.rereads = undefined;
    this.watchers.forEach((w) => w.poke());
    const listening = await this.listening?.catch(() => undefined);
    this.listening = undefined;
    if (typeof listening === 'function') listening();
    else await listening?.stop();
  }

  private listen(): Promise<Listening | (() => void)> {
    const pokeAll = () => this.watchers.forEach((w) => w.poke());
    if (this.settings.changes === 'commits') return Promise.resolve(this.db.onCommitted(pokeAll));
    return this.db.listen(
      deploymentChangedChannel(this.schema),
      (deploymentId) => this.watchers.forEach((w) => w.deploymentId === deploymentId && w.poke()),
      // what was announced while the connection was lost is not heard again: every watcher re-reads
      pokeAll,
    );
  }
}
