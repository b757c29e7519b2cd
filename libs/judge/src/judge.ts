import { createHash } from 'node:crypto';
import { obrienFlemingBoundaries } from './alpha-spending';
import { normalQuantile } from './normal';
import { rankSum, refuseNonFinite, shiftEstimate, standardisedGreater } from './mann-whitney';

/** Names the method below; goes into the ledger with each verdict, so a verdict can be re-run by the same rules. */
export const JUDGE_VERSION = 'gantry-judge/1';
export const JUDGE_METHOD = 'mann-whitney, group-sequential (Lan-DeMets O’Brien-Fleming alpha spending)';

export interface JudgeConfig {
  /** which way is harm: a rise (error rate, latency) or a fall (throughput, success ratio) */
  harm: 'increase' | 'decrease';
  /** relative change tolerated before it counts (e.g. 0.1 = 10 % worse than the baseline is still fine) */
  tolerance: number;
  /** overall false-alarm rate over the whole period, all looks together (e.g. 0.05) */
  alpha: number;
  /** fewer samples than this in either group: inconclusive */
  minimumSamples: number;
  /** planned number of looks in the period (for alpha spending), if the method needs it */
  looks: number;
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface Judgement {
  verdict: Verdict; // at this look
  /** the statistic, the boundary it was compared with, the effect estimate and its interval, the look number */
  details: { method: string; look: number; statistic: number; boundary: number; effect: number; interval?: [number, number]; baselineCount: number; currentCount: number };
  /** a sentence a person can read: "error rate 4.1 % vs baseline 0.9 %: worse beyond the 10 % tolerance (look 3 of 12)" */
  reason: string;
}

/**
 * Judges the samples so far against the baseline, at look `look` (1-based) of `config.looks`. Deterministic.
 *
 * Fails when the current samples lie above the baseline (below, for harm `decrease`) by more than the tolerance with
 * a Mann-Whitney z at or beyond this look's alpha-spending boundary; inconclusive when z is beyond what one look
 * alone would call significant (z₁₋α) but not beyond the boundary, or with fewer than `minimumSamples` in either
 * group; passes otherwise. The tolerance moves each baseline value b to b ± tolerance·|b| before ranking.
 */
export function judge(baseline: readonly number[], current: readonly number[], look: number, config: JudgeConfig): Judgement {
  refuseNonFinite('baseline', baseline);
  refuseNonFinite('current', current);
  refuseInvalidConfig(config);
  if (!Number.isInteger(look) || look < 1 || look > config.looks) throw new Error(`look ${look} is not one of the ${config.looks} planned looks (1 … ${config.looks})`);
  const boundary = obrienFlemingBoundaries(config.alpha, config.looks)[look - 1];
  const [baselineCount, currentCount] = [baseline.length, current.length];
  const at = `look ${look} of ${config.looks}`;
  const toleranceText = `the ${formatNumber(config.tolerance * 100)} % tolerance`;
  const method = JUDGE_METHOD;
  if (baselineCount === 0 || currentCount === 0) {
    return { verdict: 'inconclusive', details: { method, look, statistic: 0, boundary, effect: 0, baselineCount, currentCount }, reason: tooFew(config, baselineCount, currentCount, at) };
  }
  const margin = (b: number): number => config.tolerance * (b < 0 ? -b : b);
  const tolerated = baseline.map((b) => (config.harm === 'increase' ? b + margin(b) : b - margin(b)));
  const statistic = standardisedGreater(config.harm === 'increase' ? rankSum(current, tolerated) : rankSum(tolerated, current));
  const { shift: effect, interval } = shiftEstimate(current, baseline, boundary, rankSum(current, baseline).sd);
  const details = { method, look, statistic, boundary, effect, interval, baselineCount, currentCount };
  if (baselineCount < config.minimumSamples || currentCount < config.minimumSamples) {
    return { verdict: 'inconclusive', details, reason: tooFew(config, baselineCount, currentCount, at) };
  }
  const comparison = `mean ${formatNumber(mean(current))} vs baseline ${formatNumber(mean(baseline))}${relativeChange(mean(current), mean(baseline))}`;
  const test = `z ${formatNumber(statistic)}, boundary ${formatNumber(boundary)}`;
  const direction = config.harm === 'increase' ? 'higher' : 'lower';
  if (statistic >= boundary) return { verdict: 'fail', details, reason: `${comparison}: ${direction}, worse beyond ${toleranceText} (${test}; ${at})` };
  if (statistic >= singleLookCritical(config.alpha)) {
    return { verdict: 'inconclusive', details, reason: `${comparison}: leaning ${direction} beyond ${toleranceText}, not yet beyond this look's boundary (${test}; ${at})` };
  }
  return { verdict: 'pass', details, reason: `${comparison}: no sign of worse beyond ${toleranceText} (${test}; ${at})` };
}

/** The final verdict of a period from the judgements of its looks: fail as soon as one look failed; pass only when the last look passed; else inconclusive. */
export function periodVerdict(judgements: readonly Judgement[]): Verdict {
  if (judgements.some((judgement) => judgement.verdict === 'fail')) return 'fail';
  return judgements.at(-1)?.verdict === 'pass' ? 'pass' : 'inconclusive';
}

/**
 * sha256 (hex) of the canonical JSON of {baseline, current, look, config, version}: what an auditor re-runs.
 * The canonical JSON of @gantry/event-store (keys in code-unit order, numbers as JSON prints them, no spaces), written
 * out for this one fixed shape because a domain kit does not depend on the infrastructure.
 */
export function samplesDigest(input: { baseline: readonly number[]; current: readonly number[]; look: number; config: JudgeConfig }): string {
  refuseNonFinite('baseline', input.baseline);
  refuseNonFinite('current', input.current);
  const { alpha, harm, looks, minimumSamples, tolerance } = input.config;
  const canonical = {
    baseline: [...input.baseline],
    config: { alpha, harm, looks, minimumSamples, tolerance },
    current: [...input.current],
    look: input.look,
    version: JUDGE_VERSION,
  };
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}

/**
 * The digest of what a rule judged instead of the test (a health probe's answers, the incidents linked): the sha256 of
 * the canonical JSON of `{config, look, samples, version}`, written out for this one shape like `samplesDigest`.
 */
export function ruleDigest({ config, look, samples, version }: { config: Readonly<Record<string, number>>; look: number; samples: readonly number[]; version: string }): string {
  refuseNonFinite('samples', samples);
  const sortedConfig = Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]]));
  return createHash('sha256').update(JSON.stringify({ config: sortedConfig, look, samples: [...samples], version }), 'utf8').digest('hex');
}

function refuseInvalidConfig({ harm, tolerance, alpha, minimumSamples, looks }: JudgeConfig): void {
  if (harm !== 'increase' && harm !== 'decrease') throw new Error(`harm ${String(harm)} is neither 'increase' nor 'decrease'`);
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) throw new Error(`tolerance ${tolerance} is not a finite share of at least 0`);
  if (!(alpha > 0 && alpha < 0.5)) throw new Error(`alpha ${alpha} is not a false-alarm rate between 0 and 0.5`);
  if (!(Number.isInteger(minimumSamples) && minimumSamples >= 1)) throw new Error(`minimumSamples ${minimumSamples} is not a whole number of at least 1`);
  if (!(Number.isInteger(looks) && looks >= 1 && looks <= 1000)) throw new Error(`looks ${looks} is not a whole number from 1 to 1000`);
}

/** z₁₋α: what one look alone would call significant */
const singleLookCritical = (alpha: number): number => normalQuantile(1 - alpha);

const tooFew = (config: JudgeConfig, baselineCount: number, currentCount: number, at: string): string =>
  `too few samples to judge: ${currentCount} current and ${baselineCount} baseline, ${config.minimumSamples} needed in each (${at})`;

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

const formatNumber = (value: number): string => (Number.isFinite(value) ? String(Number(value.toPrecision(3))) : String(value));

function relativeChange(current: number, baseline: number): string {
  if (baseline === 0) return '';
  const change = ((current - baseline) / Math.abs(baseline)) * 100;
  return ` (${change >= 0 ? '+' : ''}${formatNumber(change)} %)`;
}
