/**
 * Where two deployment records differ, field by field: the record rebuilt from the ledger (records folds the
 * deployment's entries when asked) and records' live record (its projection, folded as events arrived). Both come
 * from one fold, so they must agree; a difference names the field (`acceptance.criteria[0].result`) and both values.
 * The order of an object's keys means nothing (the live record is stored as jsonb); the order of a list does.
 */
export interface FieldDifference {
  /** `phase`, `targetsReached[0].components[1].version`; empty: the records as a whole */
  field: string;
  rebuilt: unknown;
  live: unknown;
}

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldOf = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

export function recordDifferences(rebuilt: unknown, live: unknown, field = ''): FieldDifference[] {
  if (Array.isArray(rebuilt) && Array.isArray(live)) {
    return Array.from({ length: Math.max(rebuilt.length, live.length) }, (_, i) => recordDifferences(rebuilt[i], live[i], `${field}[${i}]`)).flat();
  }
  if (isFields(rebuilt) && isFields(live)) {
    const keys = [...new Set([...Object.keys(rebuilt), ...Object.keys(live)])].sort();
    return keys.flatMap((key) => recordDifferences(rebuilt[key], live[key], fieldOf(field, key)));
  }
  return Object.is(rebuilt, live) ? [] : [{ field, rebuilt, live }];
}

/** Keys in one order, so that the two records read alike. */
const sortedKeys = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(sortedKeys) : isFields(value) ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys(value[key])])) : value;

/** A value as a cell shows it: text as it is, anything else as JSON (keys sorted); `—` for a field one record lacks. */
export const shown = (value: unknown): string => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(sortedKeys(value)));
