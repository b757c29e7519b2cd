import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own, in a temporary directory, for what the shared server must not suffer: being
 * restarted under load, or being made to speak TLS only. Uses the machine's PostgreSQL binaries; as root it runs the
 * server as the `postgres` user (initdb refuses root).
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  /** the server's data directory (postmaster.pid holds the server's process id) */
  dataDir: string;
  /** the self-signed certificate the server presents (TLS only) */
  caFile?: string;
  /** stops the server (immediate shutdown, as a crash would), keeping its data */
  halt(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** stops the server and deletes its data */
  destroy(): Promise<void>;
}

const binDir = (): string => {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt install postgresql)');
  return found;
};

/** `settings`: more postgresql.conf lines, after (so overriding) the defaults here, e.g. `fsync = on` for a benchmark. */
export async function startPrivatePostgres({ tls = false, settings: more = [] }: { tls?: boolean; settings?: readonly string[] } = {}): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? Number((await run('id', ['-u', 'postgres'])).stdout.trim()) : undefined;
  const group = asRoot ? Number((await run('id', ['-g', 'postgres'])).stdout.trim()) : undefined;
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  if (owner !== undefined) chownSync(dir, owner, group!);
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const settings = ["listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'fsync = off', 'max_connections = 50'];
  let caFile: string | undefined;
  if (tls) {
    caFile = join(dir, 'server.crt');
    const key = join(dir, 'server.key');
    await run('openssl', ['req', '-new', '-x509', '-days', '1', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', caFile]);
    chmodSync(key, 0o600);
    if (owner !== undefined) [key, caFile].forEach((file) => chownSync(file, owner, group!));
    settings.push('ssl = on', `ssl_cert_file = '${caFile}'`, `ssl_key_file = '${key}'`);
    // TLS only: a client that does not speak it is refused
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
    if (owner !== undefined) chownSync(join(data, 'pg_hba.conf'), owner, group!);
  }
  appendFileSync(join(data, 'postgresql.conf'), `\n${[...settings, ...more].join('\n')}\n`);
  const log = join(dir, 'server.log');
  const start = async () => void (await pg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']));
  // PostgreSQL cannot be given port 0: a free port is chosen, and chosen again if another process took it meanwhile
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    appendFileSync(join(data, 'postgresql.conf'), `port = ${port}\n`);
    rmSync(log, { force: true });
    const failure = await start().then(
      () => undefined,
      (error) => `${String(error)}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`,
    );
    if (!failure) break;
    if (attempt >= 5 || !/Address already in use/.test(failure)) throw new Error(`private PostgreSQL did not start: ${failure}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir: data,
    ...(caFile ? { caFile } : {}),
    start,
    halt: async () => void (await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])),
    // -l: the server's output goes to the log, not to this process's pipes (which would then never close)
    restart: async () => void (await pg('pg_ctl', ['-D', data, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart'])),
    destroy: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
