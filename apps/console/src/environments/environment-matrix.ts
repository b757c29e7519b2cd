/** An environment as the matrix heads a column with it (`GET /environments`). */
export interface EnvironmentColumn {
  name: string;
  kind: string;
  position: number;
  status: string;
}

/**
 * What stands in an environment for one service: the deployment that last succeeded there and the component versions
 * it put in place (`GET /audit/environments/:name/state`; for blue-green, the side it left serving users).
 */
export interface Standing {
  service: string;
  deploymentId: string;
  changeId?: string;
  components: { name: string; version: string }[];
  liveSide?: string;
  closedAt?: string;
}

/** A cell of the matrix: a service's versions in one environment, the deployment that put them there, and whether that deployment is in its monitoring period. */
export interface MatrixCell extends Standing {
  inMonitoring: boolean;
}

export interface Matrix {
  environments: EnvironmentColumn[];
  /** services by name; each has one cell per environment, in the order of `environments` (undefined: not deployed there) */
  rows: { service: string; cells: (MatrixCell | undefined)[] }[];
}

/**
 * What is deployed where: one row per service, one column per environment in the order of the flow (its position,
 * then its name), each cell what stands there and whether its deployment is still being watched.
 */
export function matrixOf(environments: readonly EnvironmentColumn[], standing: Readonly<Record<string, readonly Standing[]>>, inMonitoring: ReadonlySet<string>): Matrix {
  const columns = [...environments].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const services = [...new Set(columns.flatMap((e) => (standing[e.name] ?? []).map((s) => s.service)))].sort((a, b) => a.localeCompare(b));
  return {
    environments: columns,
    rows: services.map((service) => ({
      service,
      cells: columns.map((e) => {
        const there = standing[e.name]?.find((s) => s.service === service);
        return there && { ...there, inMonitoring: inMonitoring.has(there.deploymentId) };
      }),
    })),
  };
}

/** A deployment as planning lists it (`GET /deployments?status=succeeded`), as far as the matrix reads it. */
export interface SucceededDeployment {
  deploymentId: string;
  request?: { service?: string; environment?: string; changeId?: string; kind?: string; components?: { name: string; version: string }[] };
  progress?: { closedAt?: string };
}

/**
 * What stands in each environment as far as planning's list of succeeded deployments tells, for a role that does not
 * read the ledger: per environment and service, the one that closed last; a removal takes the service out (as records'
 * environment state does). No live side: planning does not know it.
 */
export function standingFromSucceeded(deployments: readonly SucceededDeployment[]): Record<string, Standing[]> {
  const last = new Map<string, SucceededDeployment>();
  for (const d of deployments) {
    const { service, environment } = d.request ?? {};
    if (!service || !environment) continue;
    const key = JSON.stringify([environment, service]);
    const held = last.get(key);
    if (!held || (held.progress?.closedAt ?? '') < (d.progress?.closedAt ?? '')) last.set(key, d);
  }
  const standing: Record<string, Standing[]> = {};
  for (const d of last.values()) {
    const { service, environment, changeId, kind, components } = d.request!;
    if (kind === 'removal') continue;
    (standing[environment!] ??= []).push({
      service: service!,
      deploymentId: d.deploymentId,
      ...(changeId ? { changeId } : {}),
      components: (components ?? []).map(({ name, version }) => ({ name, version })),
      ...(d.progress?.closedAt ? { closedAt: d.progress.closedAt } : {}),
    });
  }
  return standing;
}
