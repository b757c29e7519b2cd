import { createServer } from 'node:net';

/**
 * A TCP port free at the moment of asking. Another process may take it before it is bound: a server that can be given
 * port 0 and report the port it got (a Gantry process) is started that way instead, and one that cannot (PostgreSQL)
 * is started again on another port when the bind fails.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
