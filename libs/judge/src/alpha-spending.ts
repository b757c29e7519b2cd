import { normalDensity, normalQuantile, normalUpperTail } from './normal';

/**
 * Alpha spending (Lan & DeMets 1983): the false-alarm rate `alpha` of a whole period is spent a little at each look,
 * so that however many looks fail to find harm, the chance that any of them raises a false alarm stays `alpha`.
 * O'Brien-Fleming's spending function spends almost nothing early and most at the end:
 *
 *     spent(t) = 2 · (1 − Φ(z₁₋α/₂ / √t)),   t = look / looks (the share of the period gone by)
 *
 * Look k may spend spent(tₖ) − spent(tₖ₋₁). Its boundary cₖ is the z that a statistic must reach to fail there:
 * the value at which the chance of passing looks 1 … k−1 and then reaching cₖ at look k is exactly that share,
 * when the z of successive looks move as a Brownian motion in t (Z·√t has independent increments).
 */
export function spentAlpha(alpha: number, t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * normalUpperTail(normalQuantile(1 - alpha / 2) / Math.sqrt(t));
}

/** Grid points of the numerical integration per look; the boundaries come out right to about 1e-4. */
const GRID = 600;
/** The integration's lower end on the score scale Z·√t, whose standard deviation is at most 1. */
const FLOOR = -10;

const computed = new Map<string, readonly number[]>();

/**
 * The O'Brien-Fleming-type boundaries c₁ … c_looks (on the z scale) for a one-sided `alpha` over `looks` equally
 * spaced looks, computed by the recursive integration of Armitage, McPherson and Rowe (1969; Jennison & Turnbull,
 * "Group Sequential Methods", ch. 19). Deterministic; computed once per (alpha, looks) and kept.
 */
export function obrienFlemingBoundaries(alpha: number, looks: number): readonly number[] {
  const key = `${alpha}/${looks}`;
  const known = computed.get(key);
  if (known) return known;
  const boundaries: number[] = [];
  // the density of the score S = Z·√t on the grid, over the paths that have not crossed yet
  let points: Float64Array = new Float64Array(0);
  let density: Float64Array = new Float64Array(0);
  let previousTime = 0;
  for (let look = 1; look <= looks; look++) {
    const time = look / looks;
    const step = Math.sqrt(time - previousTime);
    const share = spentAlpha(alpha, time) - spentAlpha(alpha, previousTime);
    const weights = trapezoidWeights(points);
    const crossing = (score: number): number => {
      if (look === 1) return normalUpperTail(score / step);
      let sum = 0;
      for (let i = 0; i < points.length; i++) sum += weights[i] * density[i] * normalUpperTail((score - points[i]) / step);
      return sum;
    };
    const score = share <= 0 ? Infinity : solveDecreasing(crossing, share);
    boundaries.push(score / Math.sqrt(time));
    if (look === looks) break;
    const next = grid(FLOOR, Math.min(score, -FLOOR * 2));
    const nextDensity = new Float64Array(next.length);
    for (let j = 0; j < next.length; j++) {
      if (look === 1) nextDensity[j] = normalDensity(next[j] / step) / step;
      else {
        let sum = 0;
        for (let i = 0; i < points.length; i++) sum += weights[i] * density[i] * normalDensity((next[j] - points[i]) / step);
        nextDensity[j] = sum / step;
      }
    }
    [points, density, previousTime] = [next, nextDensity, time];
  }
  computed.set(key, boundaries);
  return boundaries;
}

const grid = (from: number, to: number): Float64Array => Float64Array.from({ length: GRID + 1 }, (_, i) => from + ((to - from) * i) / GRID);

function trapezoidWeights(points: Float64Array): Float64Array {
  const weights = new Float64Array(points.length);
  if (points.length < 2) return weights;
  const h = points[1] - points[0];
  weights.fill(h);
  weights[0] = weights[points.length - 1] = h / 2;
  return weights;
}

/** The x at which a decreasing function reaches `target`, by bisection. */
function solveDecreasing(f: (x: number) => number, target: number): number {
  let [low, high] = [-20, 40];
  for (let step = 0; step < 80; step++) {
    const middle = (low + high) / 2;
    if (f(middle) > target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
