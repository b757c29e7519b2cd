import type { ConfigurationChange, ConfigurationItemsChanged, Component } from '@gantry/contracts';
import type { DeployedService } from './as-of';
import type { DeploymentRecord } from './deployment-record.decider';

type ItemVersion = NonNullable<ConfigurationItemsChanged['components'][number]['current']>;
type ChangedTarget = ConfigurationItemsChanged['targets'][number];

/** How each outcome leaves the configuration items of a deployment that reached its targets; other outcomes changed nothing. */
const CHANGE_OF: Partial<Record<NonNullable<DeploymentRecord['outcome']>, ConfigurationChange>> = { succeeded: 'applied', 'rolled-back': 'restored', failed: 'partial' };

/** A deployment changed configuration items when its run reached at least one target, whatever its outcome. */
export const changedConfigurationItems = (record: DeploymentRecord): boolean => Boolean(record.outcome && CHANGE_OF[record.outcome] && record.targetsReached?.length);

const versionOf = ({ version, digest }: { version: string; digest?: string }): ItemVersion => ({ version, ...(digest ? { digest } : {}) });

/**
 * The configuration items a deployment changed, as they stand at `asOf` (its close), against `standing`: what stood in
 * the environment for the service before, as records' environment state as of that time gives it. A rollback restored
 * what stood (`current` is `previous` again, `attempted` what it took out); a failure without one leaves the targets it
 * reached with the new versions. Undefined when the deployment changed nothing.
 */
export function configurationItemsChanged(record: DeploymentRecord, standing: DeployedService | undefined, asOf: string): Omit<ConfigurationItemsChanged, 'auditHistory'> | undefined {
  const change = record.outcome && CHANGE_OF[record.outcome];
  if (!change || !changedConfigurationItems(record)) return undefined;
  const removal = record.kind === 'removal';
  const before = (name: string) => standing?.components.find((c) => c.name === name);
  const verifiedDigest = (name: string, version: string) => record.verifiedComponents?.find((v) => v.name === name && v.version === version)?.digest;
  // the digest of the authorised repository's entry verification verified, else the one the request gave
  const moved = ({ name, version, digest }: Component): ItemVersion => versionOf({ version, digest: verifiedDigest(name, version) ?? digest });

  const targets = (record.targetsReached ?? []).map((reached): ChangedTarget => {
    const restored = change === 'restored' || reached.rolledBack;
    const holds = restored
      ? (record.components ?? []).flatMap((c) => before(c.name) ?? []).map(({ name, version, digest }) => ({ name, ...versionOf({ version, digest }) }))
      : reached.action === 'removed'
        ? []
        : reached.components.map(({ name, version, digest }) => ({ name, ...versionOf({ version, digest: digest ?? verifiedDigest(name, version) }) }));
    const evidence = (record.manualSteps ?? []).filter((m) => m.target === reached.name).flatMap((m) => m.evidence ?? []).slice(0, 200);
    const kind = record.plannedTargets?.find((t) => t.name === reached.name)?.kind;
    return { name: reached.name, ...(kind ? { kind } : {}), components: holds, ...(evidence.length > 0 ? { evidence } : {}) };
  });

  const components = (record.components ?? []).map((component) => {
    const stood = before(component.name);
    const previous = stood ? versionOf(stood) : removal ? moved(component) : null;
    const current = change === 'restored' ? previous : removal ? null : moved(component);
    const units = targets.filter((t) => t.components.some((c) => c.name === component.name)).length;
    return {
      name: component.name,
      kind: component.kind,
      previous,
      current,
      ...(change === 'restored' && !removal ? { attempted: moved(component) } : {}),
      ...(component.kind === 'hardware' ? { units } : {}),
    };
  });

  return {
    deploymentId: record.deploymentId,
    changeId: record.changeId!,
    ...(record.releaseId ? { releaseId: record.releaseId } : {}),
    service: record.service!,
    environment: { name: record.environment!, ...(record.environmentKind ? { kind: record.environmentKind } : {}) },
    deploymentKind: record.kind ?? 'install',
    outcome: record.outcome as ConfigurationItemsChanged['outcome'],
    change,
    components,
    targets,
    asOf,
  };
}
