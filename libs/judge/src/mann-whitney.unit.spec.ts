import { mannWhitney, shiftEstimate } from './mann-whitney';

// Reference values from SciPy 1.17 `mannwhitneyu(a, b, use_continuity=True, method='asymptotic')` (as R's
// `wilcox.test(a, b, correct = TRUE, exact = FALSE)`); the first pair is ClickHouse's mannWhitneyUTest fixture.
const left = [310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495, 295];
const right = [116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426, 261];
const errorsAfter = [0, 0, 1, 0, 2, 0, 0, 1, 0, 0, 3, 0, 1, 0, 0, 0, 2, 0, 0, 1];
const errorsBefore = [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];

describe('mannWhitney', () => {
  it('gives U and the p-values of the normal approximation with continuity correction', () => {
    const result = mannWhitney(left, right);
    expect(result.u).toBe(223);
    expect(result.pTwoSided).toBeCloseTo(0.5426959774289482, 6);
    expect(result.pGreater).toBeCloseTo(0.2713479887144741, 6);
    expect(result.pLess).toBeCloseTo(0.737545429642209, 6);
  });

  it('corrects the variance for ties (error counts, mostly zeros)', () => {
    const result = mannWhitney(errorsAfter, errorsBefore);
    expect(result.u).toBe(244.5);
    expect(result.pTwoSided).toBeCloseTo(0.11586836377740971, 6);
    expect(result.pGreater).toBeCloseTo(0.057934181888704854, 6);
    expect(result.pLess).toBeCloseTo(0.9460922450851701, 6);
  });

  it('estimates the shift a − b as the Hodges-Lehmann median of the differences, with its interval', () => {
    expect(mannWhitney(left, right)).toMatchObject({ shift: 24, interval: [-81, 119], confidence: 0.95 });
    expect(mannWhitney(errorsAfter, errorsBefore)).toMatchObject({ shift: 0, interval: [0, 0] });
    expect(mannWhitney([1, 2, 3], [1, 2, 3].map((x) => x + 10)).shift).toBe(-10);
  });

  it('is antisymmetric: swapping the samples swaps the sides', () => {
    const [ab, ba] = [mannWhitney(left, right), mannWhitney(right, left)];
    expect(ba.u).toBe(left.length * right.length - ab.u);
    expect(ba.z).toBeCloseTo(-ab.z, 12);
    expect(ba.pGreater).toBeCloseTo(ab.pLess, 12);
    expect(ba.shift).toBe(-ab.shift);
  });

  it('finds nothing when every value is tied', () => expect(mannWhitney([0, 0, 0], [0, 0])).toMatchObject({ z: 0, pGreater: 1, pLess: 1, pTwoSided: 1, shift: 0 }));

  it('refuses a missing point (NaN) or an infinite one', () => {
    expect(() => mannWhitney([1, Number.NaN], [1])).toThrow('a[1] is NaN');
    expect(() => mannWhitney([1], [Infinity])).toThrow('b[0] is Infinity');
    expect(() => mannWhitney([], [1])).toThrow('at least one value');
  });
});

describe('shiftEstimate', () => {
  /** every difference written down and sorted: what the search without writing them down must agree with */
  function byEnumeration(a: number[], b: number[], critical: number, sdOfU: number) {
    const differences = a.flatMap((x) => b.map((y) => x - y)).sort((x, y) => x - y);
    const count = differences.length;
    const shift = count % 2 === 1 ? differences[(count - 1) / 2] : (differences[count / 2 - 1] + differences[count / 2]) / 2;
    const c = Math.min(Math.max(1, Math.floor(count / 2 - critical * sdOfU)), count);
    return { shift, interval: [differences[c - 1], differences[count - c]] };
  }

  it('finds the same order statistics as sorting all m·n differences, continuous, tied and mostly-zero samples alike', () => {
    let seed = 7;
    const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const kinds = [() => uniform() * 100, () => Math.floor(uniform() * 3), () => Math.floor(uniform() * 50) / 7, () => (uniform() < 0.7 ? 0 : Math.exp(5 * uniform()))];
    for (let trial = 0; trial < 800; trial++) {
      const draw = kinds[trial % kinds.length];
      const a = Array.from({ length: 1 + Math.floor(uniform() * 60) }, draw);
      const b = Array.from({ length: 1 + Math.floor(uniform() * 60) }, draw);
      const [critical, sdOfU] = [uniform() * 5, (uniform() * a.length * b.length) / 3];
      expect(shiftEstimate(a, b, critical, sdOfU)).toEqual(byEnumeration(a, b, critical, sdOfU));
    }
  });
});
