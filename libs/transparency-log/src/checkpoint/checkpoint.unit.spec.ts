import { leafHash } from '../merkle/hashing';
import { formatCheckpoint, parseCheckpoint } from './checkpoint';

const value = <T>(outcome: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};

describe('a checkpoint’s text', () => {
  it("is written as Go's sumdb/tlog writes a tree (note_test.go's golden text, root = leaf hash of 'hello world')", () => {
    const text = formatCheckpoint({ origin: 'go.sum database tree', size: 123456789012, root: leafHash(Buffer.from('hello world')), extensions: [] });
    expect(text).toBe('go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n');
  });

  it("reads C2SP's example and writes it back, extension lines included", () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const checkpoint = value(parseCheckpoint(text));
    expect(checkpoint).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163, extensions: [] });
    expect(formatCheckpoint(checkpoint)).toBe(text);
    const extended = `${text}time 1700000000\nanother extension\n`;
    expect(value(parseCheckpoint(extended)).extensions).toEqual(['time 1700000000', 'another extension']);
    expect(formatCheckpoint(value(parseCheckpoint(extended)))).toBe(extended);
  });

  const ROOT = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const malformed: [string, string][] = [
    ['Head\n9944\n', 'a checkpoint has at least three lines (origin, tree size, root hash); this one has 2'],
    [`\n9944\n${ROOT}\n`, 'the checkpoint has an empty origin line'],
    [`Log\n123\n${ROOT}`, 'checkpoint: a note text ends with a newline'],
    [`Log\nbananas\n${ROOT}\n`, 'the checkpoint\'s tree size "bananas" is not a decimal number without leading zeros'],
    [`Log\n-34\n${ROOT}\n`, 'the checkpoint\'s tree size "-34" is not a decimal number without leading zeros'],
    [`Log\n0123\n${ROOT}\n`, 'the checkpoint\'s tree size "0123" is not a decimal number without leading zeros'],
    [`Log\n+5\n${ROOT}\n`, 'the checkpoint\'s tree size "+5" is not a decimal number without leading zeros'],
    [`Log\n3438945738945739845734895735\n${ROOT}\n`, "the checkpoint's tree size 3438945738945739845734895735 is beyond 2^53 − 1, the largest this verifier reads"],
    ["Log\n123\nThisIsn'tBase64\n", 'the checkpoint\'s root hash "ThisIsn\'tBase64" is not standard, padded base64'],
    ['Log\n123\nYmFuYW5hcw==\n', "the checkpoint's root hash is 7 bytes, not 32"],
    [`Log\n123\n${ROOT.slice(0, -1)}\n`, `the checkpoint's root hash "${ROOT.slice(0, -1)}" is not standard, padded base64`],
    [`Log\n123\n${ROOT}\n\n`, "the checkpoint's line 4 is empty: extension lines are not"],
    [`Log\n123\n${ROOT}\nok\n\nafter\n`, "the checkpoint's line 5 is empty: extension lines are not"],
    [`Log\t1\n123\n${ROOT}\n`, 'checkpoint: a note holds no control characters other than newlines'],
  ];
  it.each(malformed)('refuses %j: %s', (text, reason) => expect(parseCheckpoint(text)).toEqual({ ok: false, reason }));

  it('is not written from values that are not a checkpoint', () => {
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: leafHash(Buffer.from('x')), extensions: [] })).toThrow('the origin is one non-empty line');
    expect(() => formatCheckpoint({ origin: 'log', size: -1, root: leafHash(Buffer.from('x')), extensions: [] })).toThrow('not a checkpoint');
    expect(() => formatCheckpoint({ origin: 'log', size: 1, root: Buffer.alloc(31), extensions: [] })).toThrow('the root hash is 32 bytes, not 31');
  });
});
