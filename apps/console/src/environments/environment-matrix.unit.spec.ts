import { matrixOf, standingFromSucceeded, type EnvironmentColumn, type SucceededDeployment } from './environment-matrix';

const environments: EnvironmentColumn[] = [
  { name: 'production', kind: 'production', position: 5, status: 'active' },
  { name: 'dev', kind: 'development', position: 1, status: 'active' },
  { name: 'staging-us', kind: 'staging', position: 4, status: 'active' },
  { name: 'staging-eu', kind: 'staging', position: 4, status: 'active' },
];
const payments = (deploymentId: string, version: string, extra = {}) => ({ service: 'payments', deploymentId, components: [{ name: 'payments-api', version }], ...extra });

it('given what stands in each environment, when assembled, then services are rows and environments columns in the order of the flow', () => {
  const matrix = matrixOf(environments, { production: [payments('p-1', '2.4.0', { liveSide: 'green' })], dev: [payments('d-1', '2.5.0'), { service: 'checkout', deploymentId: 'c-1', components: [] }] }, new Set());
  expect(matrix.environments.map((e) => e.name)).toEqual(['dev', 'staging-eu', 'staging-us', 'production']);
  expect(matrix.rows.map((r) => r.service)).toEqual(['checkout', 'payments']);
  expect(matrix.rows[1].cells).toEqual([
    { ...payments('d-1', '2.5.0'), inMonitoring: false },
    undefined,
    undefined,
    { ...payments('p-1', '2.4.0', { liveSide: 'green' }), inMonitoring: false },
  ]);
});

it('given a deployment in its monitoring period, when assembled, then its cell is marked and no other', () => {
  const matrix = matrixOf(environments, { production: [payments('p-1', '2.4.0')], dev: [payments('d-1', '2.5.0')] }, new Set(['p-1']));
  expect(matrix.rows[0].cells.map((c) => c?.inMonitoring)).toEqual([false, undefined, undefined, true]);
});

it('given no environment holds anything, when assembled, then there are columns and no rows', () => {
  expect(matrixOf(environments, {}, new Set())).toMatchObject({ rows: [] });
});

const succeeded = (deploymentId: string, environment: string, version: string, closedAt: string, kind = 'upgrade'): SucceededDeployment => ({
  deploymentId,
  request: { service: 'payments', environment, changeId: `CHG-${deploymentId}`, kind, components: [{ name: 'payments-api', version }] },
  progress: { closedAt },
});

it("given planning's succeeded deployments, when a role without the ledger reads them, then the one that closed last stands in each environment", () => {
  const standing = standingFromSucceeded([
    succeeded('p-2', 'production', '2.4.1', '2026-12-02T10:00:00Z'),
    succeeded('d-1', 'dev', '2.5.0', '2026-12-01T09:00:00Z'),
    succeeded('p-1', 'production', '2.4.0', '2026-12-01T10:00:00Z'),
  ]);
  expect(standing).toEqual({
    production: [{ service: 'payments', deploymentId: 'p-2', changeId: 'CHG-p-2', components: [{ name: 'payments-api', version: '2.4.1' }], closedAt: '2026-12-02T10:00:00Z' }],
    dev: [{ service: 'payments', deploymentId: 'd-1', changeId: 'CHG-d-1', components: [{ name: 'payments-api', version: '2.5.0' }], closedAt: '2026-12-01T09:00:00Z' }],
  });
});

it('given a removal that succeeded last, when read, then the service no longer stands in that environment', () => {
  const standing = standingFromSucceeded([succeeded('p-1', 'production', '2.4.0', '2026-12-01T10:00:00Z'), succeeded('p-2', 'production', '2.4.0', '2026-12-02T10:00:00Z', 'removal')]);
  expect(standing).toEqual({});
});
