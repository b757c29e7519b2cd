import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_TREE_ROOT, leafHash, nodeHash, strictBase64 } from './hashing';

// Known answers of transparency-dev/merkle's rfc6962/rfc6962_test.go (each checkable with sha256sum, as there).
const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree as the hash of the empty string (echo -n | sha256sum)', () => {
    expect(hex(EMPTY_TREE_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes a leaf with a 0x00 prefix, so an empty leaf differs from the empty tree', () => {
    expect(hex(leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(leafHash(Buffer.from('L123456')))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
  });

  it('hashes a node with a 0x01 prefix over its children in order', () => {
    expect(hex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
    const [a, b] = [leafHash(Buffer.from('Hello')), leafHash(Buffer.from('World'))];
    expect(hex(nodeHash(a, b))).not.toBe(hex(nodeHash(b, a)));
    expect(hex(nodeHash(a, b))).not.toBe(hex(leafHash(Buffer.concat([a, b]))));
  });

  it("hashes 32-byte children (in TypeScript, for speed) exactly as node:crypto's SHA-256 does", () => {
    const reference = (l: Uint8Array, r: Uint8Array) => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest('hex');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (l, r) => expect(hex(nodeHash(l, r))).toBe(reference(l, r))),
      { numRuns: 2000 },
    );
    for (const byte of [0x00, 0x7f, 0x80, 0xff]) expect(hex(nodeHash(Buffer.alloc(32, byte), Buffer.alloc(32, 255 - byte)))).toBe(reference(Buffer.alloc(32, byte), Buffer.alloc(32, 255 - byte)));
  });

  it('reads base64 only in its one canonical, padded form', () => {
    expect(strictBase64('YmFuYW5hcw==')?.toString()).toBe('bananas');
    for (const bad of ['YmFuYW5hcw', 'YmFuYW5hcx==', 'YmFu YW5hcw==', 'YmFuYW5hcw==\n', 'Ym-uYW5hcw==', '====']) expect(strictBase64(bad)).toBeUndefined();
  });
});
