import { clientAddress, grpcSource, proxyTrust } from './proxies';

describe('GANTRY_TRUST_PROXY', () => {
  it('trusts no proxy when unset or 0: the peer is the source, whatever X-Forwarded-For says', () => {
    for (const raw of [undefined, '', '0']) expect(clientAddress('10.0.0.5', '203.0.113.7', proxyTrust(raw))).toBe('10.0.0.5');
  });

  it('given N proxies, takes the address the Nth nearest proxy saw, never farther than the header goes', () => {
    const two = proxyTrust('2');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.7, 10.0.0.9', two)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '203.0.113.7', two)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', undefined, two)).toBe('10.0.0.5');
  });

  it('given addresses, subnets and names, walks back past the trusted ones to the first it does not trust', () => {
    const trust = proxyTrust('loopback, 10.0.0.0/8, 2001:db8::1');
    // a client writing its own X-Forwarded-For gains nothing: the entries before the one its proxy appended are its own
    expect(clientAddress('127.0.0.1', '192.0.2.66, 203.0.113.7, 10.1.2.3', trust)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.7', trust)).toBe('203.0.113.7');
    expect(clientAddress('2001:db8::1', '2001:db8::99', trust)).toBe('2001:db8::99');
    expect(clientAddress('192.0.2.1', '203.0.113.7', trust)).toBe('192.0.2.1');
    expect(clientAddress('10.0.0.1', 'not-an-address, 10.0.0.2', trust)).toBe('not-an-address');
  });

  it('refuses trusting everyone, and what is neither a count nor addresses, saying which entry', () => {
    expect(() => proxyTrust('true')).toThrow(/may not trust every address/);
    expect(() => proxyTrust('*')).toThrow(/may not trust every address/);
    expect(() => proxyTrust('10.0.0.0/33')).toThrow(/"10.0.0.0\/33" is none of these/);
    expect(() => proxyTrust('loopback, proxy.example')).toThrow(/"proxy.example" is none of these/);
    expect(() => proxyTrust('-1')).toThrow(/"-1" is none of these/);
  });
});

describe('grpcSource', () => {
  const metadata = (forwardedFor?: string) => ({ get: (key: string) => (key === 'x-forwarded-for' && forwardedFor ? [forwardedFor] : []) });

  it('is the peer without its port, for IPv4 and IPv6 peers', () => {
    expect(grpcSource({ getPeer: () => '127.0.0.1:5555', metadata: metadata() })).toBe('127.0.0.1');
    expect(grpcSource({ getPeer: () => '[::1]:5555', metadata: metadata() })).toBe('::1');
    expect(grpcSource({ getPeer: () => 'ipv4:10.0.0.1:5555' })).toBe('10.0.0.1');
    expect(grpcSource(undefined)).toBe('unknown');
  });

  it("behind trusted proxies, is the client their x-forwarded-for metadata names; untrusted, the header counts for nothing", () => {
    const call = { getPeer: () => '127.0.0.1:5555', metadata: metadata('203.0.113.7') };
    expect(grpcSource(call, proxyTrust('loopback'))).toBe('203.0.113.7');
    expect(grpcSource(call)).toBe('127.0.0.1');
    expect(grpcSource(call, proxyTrust('10.0.0.0/8'))).toBe('127.0.0.1');
  });
});
