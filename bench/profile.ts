import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Where the time goes in a lifecycle benchmark: CPU used per process (from /proc, so it counts what a profiler would
 * miss: the broker, PostgreSQL's backends) and V8 CPU profiles of the services summarised by function and package.
 */
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface ProcStat {
  ppid: number;
  /** user + system of the process and of its children that it reaped, ms */
  cpuMs: number;
}

/** CPU ms a process has used so far (0 when it is gone), with its children that it reaped. */
export const cpuMsOf = (pid: number): number => stat(pid)?.cpuMs ?? 0;

const stat = (pid: number): ProcStat | undefined => {
  try {
    // the command name (field 2) may hold spaces: fields after it start at the last ')'
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[1] = ppid (field 4); f[11..14] = utime, stime, cutime, cstime (fields 14–17)
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS };
  } catch {
    return undefined;
  }
};

/** A query on one connection to the database measured, as pg's Client and the event store's Database both answer it. */
type PidQuery = (text: string, params?: unknown[]) => Promise<{ rows: { pid: number }[] }>;

/**
 * Starts counting the CPU of every PostgreSQL backend of the database `query` is connected to, but its own; the
 * result, called later, gives the CPU ms they used since (a backend that closed meanwhile counts as nothing more).
 */
export async function backendsCpuFrom(query: PidQuery): Promise<() => Promise<number>> {
  const own = Number((await query('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  const backends = async () => (await query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> $1', [own])).rows.map((r) => Number(r.pid));
  const before = new Map((await backends()).map((pid) => [pid, cpuMsOf(pid)]));
  return async () => [...new Set([...before.keys(), ...(await backends())])].reduce((sum, pid) => sum + Math.max(0, cpuMsOf(pid) - (before.get(pid) ?? 0)), 0);
}

/** CPU time of the whole machine (/proc/stat), ms: busy, and busy plus idle. */
export const machineCpuMs = (): { busy: number; total: number } => {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: (total - ticks[3] - ticks[4]) * TICK_MS, total: total * TICK_MS };
};

/** CPU ms of a process and of every live process below it (children that exited are in its own cutime/cstime). */
export function treeCpuMs(root: number): number {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = new Map(all.map((pid) => [pid, stat(pid)?.ppid]));
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid), hops = 0; p !== undefined && p > 1 && hops < 20; p = parents.get(p), hops++) if (p === root) return true;
    return false;
  };
  return [root, ...all.filter(below)].reduce((sum, pid) => sum + cpuMsOf(pid), 0);
}

export type CpuSample = Record<string, number>;

export const sampleCpu = (processes: Record<string, number>): CpuSample =>
  Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, treeCpuMs(pid)]));

/** CPU ms per unit of work between two samples, by process, with the total. */
export function cpuPer(before: CpuSample, after: CpuSample, units: number): Record<string, number> {
  const per = Object.fromEntries(Object.keys(after).map((name) => [name, Math.round(((after[name] - (before[name] ?? 0)) / units) * 10) / 10]));
  return { ...per, total: Math.round(Object.values(per).reduce((a, b) => a + b, 0) * 10) / 10 };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** What a sample's code belongs to: a package, Gantry's own code, Node's internals, or V8's pseudo-frames. */
const owner = (url: string, functionName: string, root: string): string => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith(root) ? `gantry ${relative(root, path).split('/').slice(0, 2).join('/')}` : path;
};

/**
 * Self time by owner and by function of one service's profiles (every .cpuprofile in `dir`), in ms, counting the
 * samples taken within `window` (µs of the monotonic clock, which V8 stamps samples with) when it is given.
 * Samples measure time, not CPU: a process waiting for a core while on a busy machine is sampled too.
 */
export function summariseProfiles(
  dir: string,
  root: string,
  window: { from?: number; to?: number } = {},
  top = 15,
): { totalMs: number; byOwner: [string, number][]; byFunction: [string, number][] } {
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i] ?? 0;
      if ((window.from !== undefined && at < window.from) || (window.to !== undefined && at > window.to)) return;
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const node = nodes.get(id)!;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') return;
      totalMs += ms;
      const who = owner(url, functionName, root);
      byOwner.set(who, (byOwner.get(who) ?? 0) + ms);
      const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^file:\/\//, '').replace(root + '/', '')}:${lineNumber + 1}` : ''}`.trim();
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    });
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round(v)] as [string, number]);
  return { totalMs: Math.round(totalMs), byOwner: sorted(byOwner), byFunction: sorted(byFunction) };
}
