import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, GENESIS_HASH, hashedEventFields, hashEvent, sha256Hex } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, 1, 2], c: { z: true, y: null } })).toBe('{"a":[3,1,2],"b":1,"c":{"y":null,"z":true}}');
  });

  it('sorts nested keys at every depth, arrays stay in order', () => {
    expect(canonicalJson([{ b: { d: 1, c: 2 }, a: 0 }, 'x'])).toBe('[{"a":0,"b":{"c":2,"d":1}},"x"]');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    // The RFC 8785 §3.2.3 example: U+20AC (€), U+000D, U+FB33, "1", U+1F600 (a surrogate pair), U+0080, "ö".
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Read the order from the text: Object.keys would put the integer-like "1" first again.
    const keys = [...canonicalJson(value).matchAll(/"([^"]*)":/g)].map((match) => JSON.parse(`"${match[1]}"`));
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('sorts numeric-looking keys as strings', () => {
    expect(canonicalJson({ 10: 'a', 2: 'b', 1: 'c' })).toBe('{"1":"c","10":"a","2":"b"}');
  });

  it('keeps unicode text as is and escapes only what JSON requires', () => {
    expect(canonicalJson({ text: 'é 漢字 😀 "q" \\ \n \u0001' })).toBe('{"text":"é 漢字 😀 \\"q\\" \\\\ \\n \\u0001"}');
  });

  it('writes every string, as a value and as a key, exactly as JSON.stringify does (lone surrogates escaped)', () => {
    const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }));
    fc.assert(
      fc.property(anyString, (text) => {
        expect(canonicalJson(text)).toBe(JSON.stringify(text));
        expect(canonicalJson({ [text]: 1 })).toBe(JSON.stringify({ [text]: 1 }));
      }),
      { numRuns: 500 },
    );
    expect(canonicalJson('\ud800 \udfff \ud83d\ude00')).toBe('"\\ud800 \\udfff 😀"');
  });

  it('omits undefined members and turns undefined array items into null, as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 1, c: { d: undefined } })).toBe('{"b":1,"c":{}}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('prints numbers as JSON.stringify does', () => {
    expect(canonicalJson([0, -0, 1.5, 1e21, 1e-7, 123456789012345680000, 0.1 + 0.2])).toBe(
      '[0,0,1.5,1e+21,1e-7,123456789012345680000,0.30000000000000004]',
    );
  });

  it('prints Dates as ISO strings', () => {
    expect(canonicalJson({ at: new Date('2025-01-31T09:00:00Z') })).toBe('{"at":"2025-01-31T09:00:00.000Z"}');
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ n: Infinity })).toThrow(/finite/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson(new Map())).toThrow(/Map/);
    expect(() => canonicalJson(new Date('nope'))).toThrow(/invalid Date/);
    expect(() => canonicalJson(undefined)).toThrow(/undefined/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: shared })).toBe('{"x":{"a":1},"y":{"a":1}}');
  });

  it('survives a round trip through JSON.parse unchanged', () => {
    const text = canonicalJson({ z: [1, { y: 'ü', x: null }], a: { c: false, b: 2.5 } });
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

describe('event hashing', () => {
  const event = {
    id: '6f1c2a52-4a5b-4c1d-9e7f-0a1b2c3d4e5f',
    streamId: 'deployment-1',
    streamType: 'deployment',
    streamVersion: 1,
    type: 'DeploymentRequested',
    schemaVersion: 1,
    data: { b: 2, a: 1 },
    metadata: { actor: { subject: 'ada', roles: ['deployment-manager'], channel: 'rest' }, correlationId: 'c-1' },
    recordedAt: new Date('2025-01-31T09:00:00.123Z'),
  };

  it('hashes sha256(previous hash ‖ canonical JSON of the hashed fields)', () => {
    const fields = hashedEventFields(event);
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalJson(fields)).digest('hex');
    expect(hashEvent(GENESIS_HASH, fields)).toBe(expected);
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('covers exactly the documented fields, recordedAt as an ISO string', () => {
    const fields = hashedEventFields({ ...event, position: '7', hash: 'h', previousHash: 'p' } as typeof event);
    expect(Object.keys(fields).sort()).toEqual(['data', 'id', 'metadata', 'recordedAt', 'schemaVersion', 'streamId', 'streamType', 'streamVersion', 'type']);
    expect(fields.recordedAt).toBe('2025-01-31T09:00:00.123Z');
  });

  it('gives the same hash for a Date and its ISO string, and a different one for any change', () => {
    const base = hashEvent(GENESIS_HASH, hashedEventFields(event));
    expect(hashEvent(GENESIS_HASH, hashedEventFields({ ...event, recordedAt: '2025-01-31T09:00:00.123Z' }))).toBe(base);
    expect(hashEvent(GENESIS_HASH, hashedEventFields({ ...event, data: { a: 1, b: 3 } }))).not.toBe(base);
    expect(hashEvent('1'.repeat(64), hashedEventFields(event))).not.toBe(base);
  });
});
