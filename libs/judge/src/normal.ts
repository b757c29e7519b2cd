// The standard normal distribution, to the precision a verdict needs (relative error below 1.2e-7, tails included).

// Taken once: under Jest's sandbox each `Math.` lookup in these hot loops costs more than the arithmetic.
const { abs, exp, sqrt, PI, SQRT2 } = Math;

/** Complementary error function (Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Φ(x): the probability that a standard normal value is at most x. */
export const normalCdf = (x: number): number => 0.5 * erfc(-x / SQRT2);

/** 1 − Φ(x), without the cancellation of computing it as a difference. */
export const normalUpperTail = (x: number): number => 0.5 * erfc(x / SQRT2);

export const normalDensity = (x: number): number => exp(-0.5 * x * x) / sqrt(2 * PI);

const quantiles = new Map<number, number>();

/** Φ⁻¹(p), by bisection on Φ: a hundred steps, exact to Φ's precision; kept per p (alphas and confidences recur). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: ${p} is not a probability strictly between 0 and 1`);
  const known = quantiles.get(p);
  if (known !== undefined) return known;
  let [low, high] = [-40, 40];
  for (let step = 0; step < 100; step++) {
    const middle = (low + high) / 2;
    if (normalCdf(middle) < p) low = middle;
    else high = middle;
  }
  if (quantiles.size >= 1000) quantiles.clear();
  quantiles.set(p, (low + high) / 2);
  return (low + high) / 2;
}
