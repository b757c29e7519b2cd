import { RateLimit } from './http-hardening';

describe('RateLimit (a token bucket per identity)', () => {
  it('lets a burst through, then asks to wait until a token is back, per identity', () => {
    let now = 0;
    const limit = new RateLimit(60, 3, () => now); // one token per second, three at once
    expect([limit.take('ada'), limit.take('ada'), limit.take('ada')]).toEqual([0, 0, 0]);
    expect(limit.take('ada')).toBe(1);
    expect(limit.take('bob')).toBe(0);
    now += 1_000;
    expect(limit.take('ada')).toBe(0);
    expect(limit.take('ada')).toBe(1);
    now += 10_000;
    expect([limit.take('ada'), limit.take('ada'), limit.take('ada'), limit.take('ada')]).toEqual([0, 0, 0, 1]);
  });

  it('says how long to wait when the rate is slow', () => {
    let now = 0;
    const limit = new RateLimit(2, 1, () => now); // one token every 30 s
    expect(limit.take('ada')).toBe(0);
    expect(limit.take('ada')).toBe(30);
    now += 20_000;
    expect(limit.take('ada')).toBe(10);
  });
});
