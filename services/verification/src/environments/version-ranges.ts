/**
 * Version ranges of environment requirements: comparators separated by spaces, each `>=`, `>`, `<=`, `<` or `=`
 * (or none, meaning `=`) and a dotted numeric version; every comparator must hold (`">=24.0.0 <25"`). Versions are
 * compared part by part as numbers, missing parts count as 0 (`24` = `24.0.0`). Suffixes (`-rc1`) are ignored.
 */
const parts = (version: string): number[] => (version.match(/^\s*v?(\d+(?:\.\d+)*)/)?.[1] ?? '').split('.').filter(Boolean).map(Number);

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

export function satisfiesRange(version: string, range: string): boolean {
  const actual = parts(version);
  if (actual.length === 0) return false;
  const comparators = [...range.matchAll(/(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)*)/g)];
  if (comparators.length === 0) return false;
  return comparators.every(([, operator = '=', wanted]) => {
    const d = compare(actual, parts(wanted));
    switch (operator) {
      case '>=':
        return d >= 0;
      case '>':
        return d > 0;
      case '<=':
        return d <= 0;
      case '<':
        return d < 0;
      default:
        return d === 0;
    }
  });
}
