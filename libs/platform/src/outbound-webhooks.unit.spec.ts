import { destinationRefusal, isForbiddenAddress } from './outbound-webhooks';

const policy = { allowedHosts: ['itsm.example.com', '*.hooks.example.net', '127.0.0.1:8080', 'api.example.org:8443'] };
const refusal = (url: string) => destinationRefusal(new URL(url), policy)?.code;

describe('destinationRefusal', () => {
  it('takes a host named on the list, on the scheme\'s port', () => expect(refusal('https://itsm.example.com/hooks/gantry?token=x')).toBeUndefined());
  it('takes any name under a *. pattern, not the domain itself', () => {
    expect(refusal('https://a.hooks.example.net/x')).toBeUndefined();
    expect(refusal('https://a.b.hooks.example.net/x')).toBeUndefined();
    expect(refusal('https://hooks.example.net/x')).toBe('HostNotAllowed');
    expect(refusal('https://evilhooks.example.net/x')).toBe('HostNotAllowed');
  });
  it('takes a port only when the entry names it', () => {
    expect(refusal('https://itsm.example.com:8443/x')).toBe('HostNotAllowed');
    expect(refusal('https://api.example.org:8443/x')).toBeUndefined();
    expect(refusal('https://api.example.org/x')).toBe('HostNotAllowed');
  });
  it('refuses everything when the list is empty, naming the variable', () =>
    expect(destinationRefusal(new URL('https://itsm.example.com/'), { allowedHosts: [] })?.reason).toMatch(/GANTRY_WEBHOOK_ALLOWED_HOSTS/));
  it('wants https, plain http only to a loopback host', () => {
    expect(refusal('http://itsm.example.com/x')).toBe('InsecureUrl');
    expect(refusal('http://127.0.0.1:8080/x')).toBeUndefined();
  });
  it('refuses credentials in the URL', () => expect(refusal('https://user:pw@itsm.example.com/x')).toBe('InsecureUrl'));
});

describe('isForbiddenAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])('refuses %s', (address) =>
    expect(isForbiddenAddress(address)).toBe(true));
  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])('takes %s', (address) => expect(isForbiddenAddress(address)).toBe(false));
});
