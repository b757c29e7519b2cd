import { outcomeOf } from '../runs';

const digest = `sha256:${'ab'.repeat(32)}`;

describe("a webhook executor's answer: the digests it reports installed", () => {
  it('each component with the digest of the bytes installed', () =>
    expect(outcomeOf({ status: 'succeeded', installed: [{ name: 'payments-api', version: '2.4.1', digest }] })).toEqual({
      status: 'succeeded',
      installed: [{ name: 'payments-api', version: '2.4.1', digest }],
    }));

  it('no `installed`: nothing reported (a deploy that was sent digests then fails DigestMismatch)', () =>
    expect(outcomeOf({ status: 'succeeded' })).toEqual({ status: 'succeeded' }));

  it('an entry that is not one is left out; a digest in another form is kept as said, so it cannot match', () =>
    expect(
      outcomeOf({
        status: 'succeeded',
        installed: [null, 7, { name: 'a' }, { name: 'b', version: '1', digest: 42 }, { name: 'c', version: '1', digest: 'md5:0f0f' }, { name: 'x'.repeat(300), version: '1', digest }],
      }),
    ).toEqual({ status: 'succeeded', installed: [{ name: 'c', version: '1', digest: 'unrecognised:md5:0f0f' }] }));

  it('at most as many entries as a deployment has components', () =>
    expect((outcomeOf({ status: 'succeeded', installed: Array.from({ length: 500 }, (_, i) => ({ name: `c${i}`, version: '1', digest })) }) as { installed: unknown[] }).installed).toHaveLength(200));

  it('`installed` that is not a list reports nothing', () => expect(outcomeOf({ status: 'succeeded', installed: { name: 'a' } })).toEqual({ status: 'succeeded' }));
});
