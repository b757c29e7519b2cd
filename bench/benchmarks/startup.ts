import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, repoRoot } from '../../e2e/support/processes';
import { median, percentile, round } from '../measure';
import type { Benchmark, BenchmarkResult } from '../benchmark';

/**
 * The embedded default from process start to its first `GET /health` 200, as `npm start` runs it (the compiled
 * output) and as it ran before there was a build (the TypeScript sources through @swc-node/register), interleaved in
 * the same rounds: on a data directory of its own that exists (a restart) and on a new one (a first start, which
 * creates the PGlite database and runs every migration).
 */
const GOAL_MS = 5_000;
/**
 * BENCH_STARTUP_BASELINE: another checkout (e.g. `git worktree add /tmp/baseline main`, with its node_modules), whose
 * compiled embedded default joins the rounds as `baseline compiled`: what a change costs at start, side by side.
 */
const BASELINE = process.env.BENCH_STARTUP_BASELINE;
const CONTESTANTS: Record<string, { cwd: string; args: readonly string[] }> = {
  compiled: { cwd: repoRoot, args: [join(repoRoot, 'scripts', 'run.js'), 'services/standalone/src/main.ts'] },
  sources: { cwd: repoRoot, args: ['-r', '@swc-node/register', 'services/standalone/src/main.ts'] },
  ...(BASELINE ? { 'baseline compiled': { cwd: BASELINE, args: [join(BASELINE, 'scripts', 'run.js'), 'services/standalone/src/main.ts'] } } : {}),
};

async function timeToHealthy({ cwd, args }: { cwd: string; args: readonly string[] }, dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env: childEnv({ GANTRY_DATA_DIR: dataDir, PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the embedded default exited with ${child.exitCode}:\n${output}`);
      if (performance.now() - started > 120_000) throw new Error(`the embedded default was not healthy after 120 s:\n${output}`);
      const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
      const healthy = url && (await fetch(`${url}/health`).then((r) => r.status === 200, () => false));
      if (healthy) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

export const startup: Benchmark = {
  name: 'startup',
  title: 'embedded default: start to healthy, compiled vs TypeScript sources',
  goal: `compiled restart ≤ ${GOAL_MS} ms (p50)`,
  async run({ rounds, log }): Promise<BenchmarkResult> {
    const times: Record<string, number[]> = {};
    const dataDirs = Object.fromEntries(Object.keys(CONTESTANTS).map((name) => [name, mkdtempSync(join(tmpdir(), `gantry-bench-startup-${name}-`))]));
    try {
      for (let round = 0; round <= rounds; round++) {
        for (const [name, contestant] of Object.entries(CONTESTANTS)) {
          const fresh = mkdtempSync(join(tmpdir(), 'gantry-bench-startup-first-'));
          // round 0 creates each contestant's data directory; the restarts are measured from round 1 on
          const first = await timeToHealthy(contestant, round === 0 ? dataDirs[name] : fresh);
          rmSync(fresh, { recursive: true, force: true });
          if (round === 0) continue;
          (times[`${name} first start`] ??= []).push(first);
          (times[`${name} restart`] ??= []).push(await timeToHealthy(contestant, dataDirs[name]));
          log(`  round ${round} ${name}: first start ${Math.round(first)} ms, restart ${Math.round(times[`${name} restart`].at(-1)!)} ms`);
        }
      }
    } finally {
      for (const dir of Object.values(dataDirs)) rmSync(dir, { recursive: true, force: true });
    }
    const measured = Object.fromEntries(
      Object.entries(times).map(([name, values]) => [name, { p50Ms: round(median(values)), p99Ms: round(percentile([...values].sort((a, b) => a - b), 99)) }]),
    );
    const p50 = (name: string) => median(times[name]);
    return {
      unit: 'ms',
      measured,
      ratios: {
        'compiled / sources (restart)': round(p50('compiled restart') / p50('sources restart')),
        'compiled / sources (first start)': round(p50('compiled first start') / p50('sources first start')),
        ...(BASELINE
          ? {
              'compiled / baseline compiled (restart)': round(p50('compiled restart') / p50('baseline compiled restart')),
              'compiled / baseline compiled (first start)': round(p50('compiled first start') / p50('baseline compiled first start')),
            }
          : {}),
      },
      met: p50('compiled restart') <= GOAL_MS,
    };
  },
};
