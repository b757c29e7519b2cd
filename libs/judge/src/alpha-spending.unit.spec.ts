import { obrienFlemingBoundaries, spentAlpha } from './alpha-spending';
import { normalQuantile } from './normal';

describe("O'Brien-Fleming alpha spending", () => {
  it('spends nothing before the period and all of alpha by its end, little early', () => {
    expect(spentAlpha(0.05, 0)).toBe(0);
    expect(spentAlpha(0.05, 1)).toBe(0.05);
    expect(spentAlpha(0.05, 0.5)).toBeLessThan(0.01);
  });

  // Jennison & Turnbull, "Group Sequential Methods with Applications to Clinical Trials" (2000), and R gsDesign's
  // sfLDOF: five equally spaced looks, one-sided 0.025
  it('gives the published Lan-DeMets boundaries for five looks', () =>
    expect(obrienFlemingBoundaries(0.025, 5).map((c) => Number(c.toFixed(3)))).toEqual([4.877, 3.357, 2.68, 2.29, 2.031]));

  it('with a single look is the one-sided critical value', () => expect(obrienFlemingBoundaries(0.05, 1)[0]).toBeCloseTo(normalQuantile(0.95), 6));

  it('falls look by look and ends above the single-look value (the price of looking often)', () => {
    const boundaries = obrienFlemingBoundaries(0.05, 12);
    for (let k = 1; k < boundaries.length; k++) expect(boundaries[k]).toBeLessThan(boundaries[k - 1]);
    expect(boundaries[11]).toBeGreaterThan(normalQuantile(0.95));
  });
});
