import { nestsDeeperThan, RateLimit } from './http-hardening';

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

describe('nestsDeeperThan (JSON bodies are refused by their depth before they are parsed)', () => {
  const deep = (levels: number) => Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);
  it('counts objects and arrays inside each other, up to the limit and one past it', () => {
    expect(nestsDeeperThan(deep(64), 64)).toBe(false);
    expect(nestsDeeperThan(deep(65), 64)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":[{"b":{}}],"c":[[1]]}'), 4)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"a":[{"b":{"c":1}}]}'), 3)).toBe(true);
  });
  it('does not count brackets inside strings, escaped quotes included', () => {
    const quoted = `{"note":"${'[{'.repeat(100)}","q":"\\"[[[["}`;
    expect(JSON.parse(quoted)).toEqual({ note: '[{'.repeat(100), q: '"[[[[' });
    expect(nestsDeeperThan(Buffer.from(quoted), 1)).toBe(false);
    const backslash = '{"q":"\\\\","a":[[1]]}';
    expect(JSON.parse(backslash)).toEqual({ q: '\\', a: [[1]] });
    expect(nestsDeeperThan(Buffer.from(backslash), 2)).toBe(true);
  });
  it('answers at once for a body of 400,000 levels', () => {
    const started = performance.now();
    expect(nestsDeeperThan(deep(400_000), 64)).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
