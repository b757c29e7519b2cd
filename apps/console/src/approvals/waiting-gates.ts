import type { Gate, Run } from '../deployments/run';

/** A deployment that may wait at a gate, as planning lists it (`GET /deployments?status=`). */
export interface GatedDeployment {
  deploymentId: string;
  status: string;
  request?: { service?: string; environment?: string; changeId?: string; requestedBy?: string };
  plan?: { window?: { start: string; end: string }; gates?: (Omit<Gate, 'approvers'> & { kind?: string; at?: string })[] };
}

/**
 * A gate waiting for a decision the signed-in person may take. `wave`: a gate between waves, held before that wave.
 * `approvalsKnown`: false for a role that does not read runs, which sees the plan's gates, not who approved so far.
 */
export interface WaitingGate {
  deployment: GatedDeployment;
  gate: Gate;
  wave?: number;
  approvalsKnown: boolean;
}

/** Who asks: the identity's subject, and its roles when the console knows them (an API key's it does not). */
export interface Asking {
  subject: string;
  roles?: readonly string[];
}

const open = (gate: Gate) => gate.approvers.length < gate.minimumApprovers;
/** The approver's subject as execution compares it by default (`GANTRY_IDENTITY_CASE=insensitive`): a hint only, the server decides. */
const samePerson = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const holdsARole = (asking: Asking, gate: Pick<Gate, 'roles'>) => !asking.roles || gate.roles.some((role) => asking.roles!.includes(role));

/**
 * The gates waiting for the person asking: open (fewer approvers than needed), one of the gate's roles held, not
 * approved by them already. With the run known (`runs:read`), its open gates before the start and at a wave
 * boundary; otherwise, for a deployment not started yet, the plan's approval gates before the start. Soonest window first.
 */
export function gatesWaitingFor(asking: Asking, candidates: readonly { deployment: GatedDeployment; run?: Run | null }[]): WaitingGate[] {
  const waiting = candidates.flatMap(({ deployment, run }): WaitingGate[] => {
    if (run === null) return []; // execution has not taken it up: nothing asked yet
    if (run) {
      const atStart = (run.gates ?? []).filter(open).map((gate) => ({ deployment, gate, approvalsKnown: true }));
      const atBoundary = (run.boundary?.gates ?? []).filter(open).map((gate) => ({ deployment, gate, wave: run.boundary!.wave, approvalsKnown: true }));
      return [...atStart, ...atBoundary];
    }
    if (deployment.status !== 'planned' && deployment.status !== 'verified') return [];
    return (deployment.plan?.gates ?? [])
      .filter((g) => (g.kind ?? 'approval') === 'approval' && g.at !== 'between-waves' && g.minimumApprovers > 0 && g.roles.length > 0)
      .map(({ name, roles, minimumApprovers }) => ({ deployment, gate: { name, roles, minimumApprovers, approvers: [] }, approvalsKnown: false }));
  });
  return waiting
    .filter(({ gate }) => holdsARole(asking, gate) && !gate.approvers.some((a) => samePerson(a, asking.subject)))
    .sort((a, b) => (a.deployment.plan?.window?.start ?? '').localeCompare(b.deployment.plan?.window?.start ?? ''));
}
