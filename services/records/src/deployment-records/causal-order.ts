import type { LedgerEntry } from '../ledger';

/**
 * Orders a deployment's entries so that every event comes after the event that caused it (its `causationid`),
 * whatever order the topics delivered them in. Among events free to go next: the earlier time first, then the
 * same source's stream order, then the ledger position.
 */
export function causalOrder(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const byId = new Map(entries.map((e) => [e.event.id, e]));
  const waitingFor = new Map<string, LedgerEntry[]>();
  const ready: LedgerEntry[] = [];
  for (const entry of entries) {
    const cause = entry.event.causationid;
    if (cause && cause !== entry.event.id && byId.has(cause)) waitingFor.set(cause, [...(waitingFor.get(cause) ?? []), entry]);
    else ready.push(entry);
  }
  const ordered: LedgerEntry[] = [];
  while (ready.length > 0) {
    ready.sort(earlierFirst);
    const next = ready.shift()!;
    ordered.push(next);
    ready.push(...(waitingFor.get(next.event.id) ?? []));
    waitingFor.delete(next.event.id);
  }
  // A cycle of causes cannot happen with honest producers; keep whatever is left in ledger order rather than drop it.
  const placed = new Set(ordered);
  return [...ordered, ...entries.filter((e) => !placed.has(e))];
}

const earlierFirst = (a: LedgerEntry, b: LedgerEntry): number =>
  (a.event.time ?? '').localeCompare(b.event.time ?? '') ||
  (a.event.source === b.event.source ? (a.event.streamversion ?? 0) - (b.event.streamversion ?? 0) : 0) ||
  a.position - b.position;
