import { normalCdf, normalQuantile, normalUpperTail } from './normal';

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples, and the Hodges-Lehmann estimate of the
 * shift between them. Rank-based: it asks how often a value of one sample lies above a value of the other, so one
 * outlier or a skewed distribution (latencies, error counts) does not decide the answer as it would a mean.
 */
export interface MannWhitneyResult {
  /** U of `a`: the pairs (aᵢ, bⱼ) with aᵢ > bⱼ, a tie counting one half. 0 … m·n; m·n/2 when neither tends higher. */
  u: number;
  /** U standardised with the tie-corrected variance and a continuity correction towards 0; > 0 when `a` tends higher */
  z: number;
  /** one-sided p-value for "`a` tends higher than `b`" */
  pGreater: number;
  /** one-sided p-value for "`a` tends lower than `b`" */
  pLess: number;
  pTwoSided: number;
  /** Hodges-Lehmann estimate of the shift a − b: the median of every difference aᵢ − bⱼ */
  shift: number;
  /** the confidence interval of the shift at `confidence` (distribution-free, from the ordered differences) */
  interval: [number, number];
  confidence: number;
}

/** U of `a` against `b`, its mean and standard deviation when both come from one distribution (ties corrected). */
export interface RankSum {
  u: number;
  mean: number;
  sd: number;
}

/** Refuses what no measurement is: a caller drops missing points (NaN) before judging. */
export function refuseNonFinite(name: string, samples: readonly number[]): void {
  const at = samples.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
  if (at >= 0) throw new Error(`${name}[${at}] is ${String(samples[at])}: samples must be finite numbers (drop missing points before judging)`);
}

export function rankSum(a: readonly number[], b: readonly number[]): RankSum {
  const [m, n] = [a.length, b.length];
  if (m === 0 || n === 0) throw new Error('rankSum: both samples need at least one value');
  const [sortedA, sortedB] = [Float64Array.from(a).sort(), Float64Array.from(b).sort()];
  const total = m + n;
  let [i, j, rankSumOfA, tieTerm] = [0, 0, 0, 0];
  // walk both sorted samples together, one run of equal values at a time; each value of a run gets its mid-rank
  while (i < m || j < n) {
    const value = j >= n || (i < m && sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
    const [startA, startB] = [i, j];
    while (i < m && sortedA[i] === value) i++;
    while (j < n && sortedB[j] === value) j++;
    const tied = i - startA + (j - startB);
    const ranksBefore = startA + startB;
    rankSumOfA += (i - startA) * (ranksBefore + (tied + 1) / 2);
    tieTerm += tied * tied * tied - tied;
  }
  const u = rankSumOfA - (m * (m + 1)) / 2;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1) || 1));
  return { u, mean: (m * n) / 2, sd: Math.sqrt(Math.max(variance, 0)) };
}

/** (U − mean − ½) / sd: how far `a` lies above `b`, in standard deviations; 0 when every value is tied. */
export function standardisedGreater({ u, mean, sd }: RankSum): number {
  return sd === 0 ? 0 : (u - mean - 0.5) / sd;
}

/**
 * The Hodges-Lehmann shift of a − b and its interval for a critical value `critical` of the standard normal: the
 * differences aᵢ − bⱼ in order, from the C-th to the (m·n + 1 − C)-th, C = ⌊m·n/2 − critical · sd(U)⌋ (at least 1).
 */
export function shiftEstimate(a: readonly number[], b: readonly number[], critical: number, sdOfU: number): { shift: number; interval: [number, number] } {
  const differences = new PairwiseDifferences(a, b);
  const count = a.length * b.length;
  const shift = count % 2 === 1 ? differences.nth((count + 1) / 2) : (differences.nth(count / 2) + differences.nth(count / 2 + 1)) / 2;
  const c = Math.min(Math.max(1, Math.floor(count / 2 - critical * sdOfU)), count);
  return { shift, interval: [differences.nth(c), differences.nth(count + 1 - c)] };
}

/**
 * The m·n differences aᵢ − bⱼ in order, without writing them all down (a day of per-minute samples against a day is
 * two million of them): the k-th is found by halving a range of values, counting the differences at most a value in
 * one pass over the sorted samples, until few enough remain between the ends to sort (or all that remain are tied).
 */
class PairwiseDifferences {
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  constructor(a: readonly number[], b: readonly number[]) {
    this.a = Float64Array.from(a).sort();
    this.b = Float64Array.from(b).sort();
  }

  /** the k-th smallest difference, k = 1 … m·n */
  nth(k: number): number {
    const { a, b } = this;
    let low = a[0] - b[b.length - 1];
    if (this.atMost(low) >= k) return low;
    let high = a[a.length - 1] - b[0];
    let [belowLow, upToHigh] = [this.atMost(low), a.length * b.length];
    const few = a.length + b.length;
    // Many tied differences (error counts of 0) never thin out below `few`: every eighth halving asks whether the
    // smallest difference above `low` is already the k-th, and 64 halvings end the search whatever remains.
    for (let halving = 1; halving <= 64 && upToHigh - belowLow > few; halving++) {
      if (halving % 8 === 0) {
        const next = this.smallestAbove(low);
        if (this.atMost(next) >= k) return next;
      }
      const middle = low + (high - low) / 2;
      if (middle <= low || middle >= high) break;
      const count = this.atMost(middle);
      if (count >= k) {
        high = middle;
        upToHigh = count;
      } else {
        low = middle;
        belowLow = count;
      }
    }
    // the smallest difference above `low` is the k-th when enough differences tie with it (the usual case with counts)
    const next = this.smallestAbove(low);
    if (this.atMost(next) >= k) return next;
    const between = new Float64Array(upToHigh - belowLow);
    let [first, last, filled] = [0, 0, 0];
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      while (first < b.length && x - b[first] > high) first++;
      while (last < b.length && x - b[last] > low) last++;
      for (let j = first; j < last; j++) between[filled++] = x - b[j];
    }
    return between.sort()[k - belowLow - 1];
  }

  private smallestAbove(value: number): number {
    const { a, b } = this;
    let smallest = Infinity;
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      while (j < b.length && x - b[j] > value) j++;
      if (j > 0 && x - b[j - 1] < smallest) smallest = x - b[j - 1];
    }
    return smallest;
  }

  /** how many differences are at most `value`: for each aᵢ (ascending), the bⱼ from the first with aᵢ − bⱼ ≤ value on */
  private atMost(value: number): number {
    const { a, b } = this;
    let count = 0;
    let j = 0;
    // indexed loops: this is the innermost loop of a judgement, and a typed array's iterator costs here
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      while (j < b.length && x - b[j] > value) j++;
      count += b.length - j;
    }
    return count;
  }
}

export function mannWhitney(a: readonly number[], b: readonly number[], confidence = 0.95): MannWhitneyResult {
  refuseNonFinite('a', a);
  refuseNonFinite('b', b);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`mannWhitney: confidence ${confidence} is not between 0 and 1`);
  const sum = rankSum(a, b);
  const { u, mean, sd } = sum;
  const distance = u - mean;
  const z = sd === 0 || Math.abs(distance) <= 0.5 ? 0 : (distance - Math.sign(distance) * 0.5) / sd;
  const pGreater = sd === 0 ? 1 : normalUpperTail(standardisedGreater(sum));
  const pLess = sd === 0 ? 1 : normalCdf((distance + 0.5) / sd);
  const pTwoSided = sd === 0 ? 1 : Math.min(1, 2 * normalUpperTail(Math.abs(z)));
  const { shift, interval } = shiftEstimate(a, b, normalQuantile(1 - (1 - confidence) / 2), sd);
  return { u, z, pGreater, pLess, pTwoSided, shift, interval, confidence };
}
