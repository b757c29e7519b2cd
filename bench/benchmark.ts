/** One benchmark of quality.md's performance table, compared in the same run with its ceiling or peer. */
export interface Benchmark {
  name: string;
  title: string;
  goal: string;
  run(context: BenchmarkContext): Promise<BenchmarkResult>;
}

export interface BenchmarkContext {
  /** a fresh database of the run's own */
  databaseUrl: string;
  /** how many times each contestant runs (interleaved); medians are reported */
  rounds: number;
  /** how long one contestant runs per round, for throughput benchmarks */
  durationMs: number;
  /** events written for the replay benchmark */
  replayEvents: number;
  log(line: string): void;
}

export interface BenchmarkResult {
  unit: string;
  measured: Record<string, unknown>;
  /** the comparisons the goal is judged on */
  ratios: Record<string, number>;
  met: boolean;
  notes?: string;
}
