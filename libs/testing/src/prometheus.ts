import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './ports';

export interface RunningPrometheus {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A Prometheus of its own for a test (Debian's `prometheus`, installed by infra/prometheus/ensure.sh when missing),
 * scraping `targets` (host:port) every `scrapeSeconds`. Prometheus cannot be told port 0 and report the port it got:
 * a port is picked free and, when the bind fails meanwhile, it is started again on another.
 */
export async function startPrometheus({ targets, scrapeSeconds = 1 }: { targets: string[]; scrapeSeconds?: number }): Promise<RunningPrometheus> {
  const ensure = spawnSync('bash', [join(__dirname, '../../../infra/prometheus/ensure.sh')], { encoding: 'utf8' });
  if (ensure.status !== 0) throw new Error(`infra/prometheus/ensure.sh failed: ${ensure.stderr}`);
  const bin = ensure.stdout.trim().split('\n').at(-1)!;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-prometheus-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: ${scrapeSeconds}s\n  evaluation_interval: ${scrapeSeconds}s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`,
  );
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(bin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited = false;
    const died = new AbortController();
    child.once('exit', (code) => {
      exited = true;
      died.abort(new Error(`prometheus exited (${code}): ${stderr.slice(-500)}`));
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await eventually(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, { timeoutMs: 30_000, what: 'prometheus ready', signal: died.signal });
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 5 && /address already in use/.test(stderr)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      url,
      pid: child.pid!,
      stop: async () => {
        if (!exited) {
          const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 10_000))]);
          if (!exited) child.kill('SIGKILL');
        }
        child.stderr?.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
