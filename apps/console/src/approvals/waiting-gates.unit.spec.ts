import type { Gate, Run } from '../deployments/run';
import { gatesWaitingFor, type GatedDeployment } from './waiting-gates';

const managers = (approvers: string[] = [], name = 'staging approval'): Gate => ({ name, roles: ['deployment-manager'], minimumApprovers: 1, approvers });
const deployment = (deploymentId: string, start: string, status = 'verified', gates = [managers()]): GatedDeployment => ({
  deploymentId,
  status,
  request: { service: 'payments', environment: 'staging', requestedBy: 'alice' },
  plan: { window: { start, end: start }, gates: gates.map(({ name, roles, minimumApprovers }) => ({ name, roles, minimumApprovers, kind: 'approval' })) },
});
const waiting = (gates: Gate[]): Run => ({ status: 'waiting', gates });
const bob = { subject: 'bob', roles: ['deployment-manager'] };

it('given runs waiting at their gates, when a manager asks, then each open gate of a role she holds waits for her, soonest window first', () => {
  const later = deployment('d-2', '2026-12-09T10:00:00Z');
  const sooner = deployment('d-1', '2026-12-08T10:00:00Z');
  const found = gatesWaitingFor(bob, [
    { deployment: later, run: waiting([managers()]) },
    { deployment: sooner, run: waiting([managers(), { name: 'security', roles: ['service-owner'], minimumApprovers: 1, approvers: [] }]) },
  ]);
  expect(found.map((w) => [w.deployment.deploymentId, w.gate.name, w.approvalsKnown])).toEqual([
    ['d-1', 'staging approval', true],
    ['d-2', 'staging approval', true],
  ]);
});

it('given a gate approved enough, or approved by the asker already, when asked, then it waits for no one else', () => {
  const d = deployment('d-1', '2026-12-08T10:00:00Z');
  const twoNeeded: Gate = { ...managers(['carol']), minimumApprovers: 2 };
  expect(gatesWaitingFor(bob, [{ deployment: d, run: waiting([managers(['carol'])]) }])).toEqual([]);
  expect(gatesWaitingFor(bob, [{ deployment: d, run: waiting([{ ...twoNeeded, approvers: ['Bob'] }]) }])).toEqual([]);
  expect(gatesWaitingFor(bob, [{ deployment: d, run: waiting([twoNeeded]) }])).toMatchObject([{ gate: { approvers: ['carol'] } }]);
});

it('given a run held at a wave boundary, when asked, then the gate between waves waits, naming the wave it holds', () => {
  const run: Run = { status: 'running', gates: [managers(['carol'])], boundary: { wave: 2, gates: [managers([], 'staging approval between waves')] } };
  expect(gatesWaitingFor(bob, [{ deployment: deployment('d-1', '2026-12-08T10:00:00Z', 'executing'), run }])).toMatchObject([{ gate: { name: 'staging approval between waves' }, wave: 2 }]);
});

it('given a deployment execution has not taken up yet, when asked, then nothing waits (no gate was requested)', () => {
  expect(gatesWaitingFor(bob, [{ deployment: deployment('d-1', '2026-12-08T10:00:00Z', 'planned'), run: null }])).toEqual([]);
});

it("given a role that does not read runs, when asked, then the plan's gates before the start wait, their approvals unknown", () => {
  const productOwner = { subject: 'pia', roles: ['product-owner'] };
  const gates = [{ ...managers(), roles: ['product-owner'] }, { ...managers([], 'between'), roles: ['product-owner'] }];
  const d = deployment('d-1', '2026-12-08T10:00:00Z', 'verified', gates);
  d.plan!.gates![1].at = 'between-waves';
  expect(gatesWaitingFor(productOwner, [{ deployment: d }])).toEqual([{ deployment: d, gate: { ...gates[0], approvers: [] }, approvalsKnown: false }]);
  expect(gatesWaitingFor(productOwner, [{ deployment: { ...d, status: 'executing' } }])).toEqual([]);
});

it('given an API key, whose roles the console cannot read, when asked, then every open gate is shown and the server decides', () => {
  expect(gatesWaitingFor({ subject: 'API key' }, [{ deployment: deployment('d-1', '2026-12-08T10:00:00Z'), run: waiting([{ ...managers(), roles: ['service-owner'] }]) }])).toHaveLength(1);
});
