/**
 * The period a read asks about with optional `from` and `to` (ISO 8601 times). Both absent: the span that ends now
 * (`looking: 'back'`, e.g. KPIs of the last 30 days) or starts now (`'ahead'`, e.g. the coming 14 days of a schedule).
 * One alone: the span that starts at `from` or ends at `to`. Both given: as given (the caller checks their order).
 * `now` is the request's clock (`RequestContext.now`).
 */
export function periodAsked(asked: { from?: string; to?: string }, now: Date, span: { days: number; looking: 'back' | 'ahead' }): { from: Date; to: Date } {
  const spanMs = span.days * 86_400_000;
  if (asked.from !== undefined && asked.to !== undefined) return { from: new Date(asked.from), to: new Date(asked.to) };
  if (asked.from !== undefined) return { from: new Date(asked.from), to: new Date(Date.parse(asked.from) + spanMs) };
  if (asked.to !== undefined) return { from: new Date(Date.parse(asked.to) - spanMs), to: new Date(asked.to) };
  return span.looking === 'back' ? { from: new Date(now.getTime() - spanMs), to: now } : { from: now, to: new Date(now.getTime() + spanMs) };
}
