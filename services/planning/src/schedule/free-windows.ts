import { occurrences, type DeploymentWindowReserved, type EnvironmentDefinition, type Interval } from '@gantry/contracts';

/** `from` with the `taken` intervals cut out. */
export const subtract = (from: readonly Interval[], taken: readonly Interval[]): Interval[] =>
  taken.reduce<Interval[]>(
    (free, cut) =>
      free.flatMap((f) =>
        cut.end <= f.start || cut.start >= f.end
          ? [f]
          : [
              ...(cut.start > f.start ? [{ start: f.start, end: cut.start }] : []),
              ...(cut.end < f.end ? [{ start: cut.end, end: f.end }] : []),
            ],
      ),
    [...from],
  );

/**
 * The free windows of an environment in [from, to): its deployment windows (or all the time, without any), minus
 * whole-environment freezes, minus windows already reserved. A service-specific freeze leaves the window free for others.
 */
export const freeWindows = (environment: EnvironmentDefinition, reservations: readonly DeploymentWindowReserved[], from: number, to: number): Interval[] => {
  const open =
    environment.deploymentWindows.length === 0
      ? [{ start: from, end: to }]
      : environment.deploymentWindows.flatMap((w) => occurrences(w, environment.timeZone, from, to)).sort((a, b) => a.start - b.start);
  const frozen = environment.freezes
    .filter((f) => !f.services)
    .flatMap((f) => (f.weekly ? occurrences(f.weekly, environment.timeZone, from, to) : [{ start: Date.parse(f.start!), end: Date.parse(f.end!) }]));
  const reserved = reservations.map((r) => ({ start: Date.parse(r.window.start), end: Date.parse(r.window.end) }));
  return subtract(open, [...frozen, ...reserved])
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start);
};

const HORIZON_MS = 90 * 86_400_000;

/**
 * The earliest window of `durationMs` from `from` on, within 90 days, that a deployment of `service` to `targets` could
 * have: inside one occurrence of a deployment window (any time without windows), outside every freeze that covers
 * the service, and clear of reservations of the same service or of overlapping targets.
 */
export const nextAvailableWindow = (
  environment: EnvironmentDefinition,
  reservations: readonly DeploymentWindowReserved[],
  candidate: { deploymentId: string; service: string; targets: readonly string[] },
  durationMs: number,
  from: number,
): Interval | undefined => {
  const to = from + HORIZON_MS;
  const open =
    environment.deploymentWindows.length === 0
      ? [{ start: from, end: to }]
      : environment.deploymentWindows.flatMap((w) => occurrences(w, environment.timeZone, from, to + 2 * 86_400_000));
  const frozen = environment.freezes
    .filter((f) => !f.services || f.services.includes(candidate.service))
    .flatMap((f) => (f.weekly ? occurrences(f.weekly, environment.timeZone, from, to) : [{ start: Date.parse(f.start!), end: Date.parse(f.end!) }]));
  const taken = reservations
    .filter((r) => r.deploymentId !== candidate.deploymentId && (r.service === candidate.service || r.targets.some((t) => candidate.targets.includes(t))))
    .map((r) => ({ start: Date.parse(r.window.start), end: Date.parse(r.window.end) }));
  const first = subtract(open, [...frozen, ...taken])
    .map((i) => ({ start: Math.max(i.start, from), end: i.end }))
    .filter((i) => i.end - i.start >= durationMs && i.start < to)
    .sort((a, b) => a.start - b.start)[0];
  return first && { start: first.start, end: first.start + durationMs };
};
