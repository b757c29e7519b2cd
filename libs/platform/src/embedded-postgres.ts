import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * The embedded default: PGlite (Postgres in WebAssembly) with its data in `dataDir`, served on a local TCP port so
 * the same `pg` code runs against it. PGlite runs one transaction at a time across all connections.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const address = (server as unknown as { server: import('node:net').Server }).server.address();
  if (!address || typeof address === 'string') throw new Error('embedded Postgres did not report a TCP port');
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
