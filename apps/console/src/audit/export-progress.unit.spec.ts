import { countingFetch, describeProgress, noProgress, progressAfter, shareDone, sizeOf, type ExportProgress } from './export-progress';

const bytes = (text: string) => new TextEncoder().encode(text);

it('counts the entries (lines) and bytes of each chunk, wherever the chunks split the lines', () => {
  const text = '{"position":1,"note":"café"}\n{"position":2}\n{"position":3}\n';
  const whole = progressAfter(noProgress(3), bytes(text));
  expect(whole).toEqual({ entries: 3, bytes: bytes(text).length, total: 3 });
  const encoded = bytes(text);
  let split = noProgress(3);
  for (const at of [0, 5, 29, 30, 44, encoded.length]) split = progressAfter(split, encoded.slice(split.bytes, at));
  expect(split).toEqual(whole);
  expect(shareDone(split)).toBe(1);
});

it('says how far it has come, and an empty range is done at once', () => {
  const half: ExportProgress = { entries: 1234, bytes: 1536, total: 2468 };
  expect(shareDone(half)).toBe(0.5);
  expect(describeProgress(half)).toBe('1,234 of 2,468 entries (1.5 KiB)');
  expect(shareDone(noProgress(0))).toBe(1);
  expect([sizeOf(512), sizeOf(3 * 1024 * 1024 + 100_000)]).toEqual(['512 B', '3.1 MiB']);
});

it('reports progress as the body streams through, and hands the client the same bytes', async () => {
  const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ position: i + 1, payload: 'x'.repeat(100) })).join('\n') + '\n';
  const served = new Response(lines);
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async () => served) as typeof fetch;
  const seen: ExportProgress[] = [];
  try {
    const response = await countingFetch(500, (p) => seen.push(p))('http://gantry.test/audit/export');
    expect(await response.text()).toBe(lines);
  } finally {
    globalThis.fetch = realFetch;
  }
  expect(seen.at(-1)).toEqual({ entries: 500, bytes: Buffer.byteLength(lines), total: 500 });
  expect(seen.map((p) => p.entries)).toEqual([...seen.map((p) => p.entries)].sort((a, b) => a - b));
});
