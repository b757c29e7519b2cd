import { fromLoopback } from './console';

describe('the development sign-in answers callers on this machine only', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.7', false],
    ['::ffff:192.168.1.4', false],
    ['fe80::1', false],
    ['1270.0.0.1', false],
    [undefined, false],
  ])('%s → %s', (remoteAddress, allowed) => {
    expect(fromLoopback({ socket: { remoteAddress } })).toBe(allowed);
  });
});
