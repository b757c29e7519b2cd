interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets by key (an identity, a source address): `perMinute` tokens refill evenly, up to `burst` at once.
 * Memory stays bounded: a bucket that has refilled completely is the same as none, and is forgotten.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private uses = 0;

  constructor(
    readonly perMinute: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token of `key`'s: 0 when there was one, else the seconds until there is (and none is taken). */
  take(key: string): number {
    const bucket = this.refilled(key);
    if (bucket.tokens < 1) return this.secondsUntilOne(bucket);
    bucket.tokens -= 1;
    return 0;
  }

  /** The seconds until `key` has a token, 0 when it has one now; takes nothing. */
  waitFor(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket ? this.secondsUntilOne(this.refilled(key)) : 0;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * (this.perMinute / 60_000));
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (++this.uses % 10_000 === 0) this.forgetFull(now);
    return bucket;
  }

  private secondsUntilOne(bucket: Bucket): number {
    return bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / (this.perMinute / 60_000) / 1000));
  }

  private forgetFull(now: number): void {
    const refillMs = this.burst / (this.perMinute / 60_000);
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > refillMs) this.buckets.delete(key);
  }
}
