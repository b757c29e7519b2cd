import { LIMITS } from '@gantry/contracts';
import type { InstalledComponent } from './deployment-run.decider';
import type { ExecutorAnswer, StepRequest } from './executor';
import { waveOf } from './run-steps';

// The executor port's messages to and from executors outside Gantry (webhook, pull agents).

/** A step as an executor outside Gantry receives it: POSTed to a webhook, or handed to a pull agent with its lease. */
export const stepMessage = ({ deploymentId, plan, step, idempotencyKey, attempt, components }: StepRequest) => ({
  idempotencyKey,
  attempt,
  deploymentId,
  environment: plan.environment,
  service: plan.service,
  kind: plan.kind,
  step: step.kind,
  ...('target' in step ? { target: step.target } : {}),
  wave: waveOf(step),
  ...(step.kind === 'switch-traffic' ? { from: step.from, to: step.to } : {}),
  ...(step.kind === 'retire' ? { side: step.side } : {}),
  ...(step.kind === 'restore' ? { snapshotRef: step.snapshotRef } : {}),
  components,
});

export type StepMessage = ReturnType<typeof stepMessage>;

const CODE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const short = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * The digests a target reports installed (`installed: [{name, version, digest}]`). An entry that is not one is left
 * out, so its component counts as not reported; a digest in another form is kept as said, so it does not match.
 */
function installedOf(raw: unknown): InstalledComponent[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.slice(0, LIMITS.components).flatMap((entry) => {
    const { name, version, digest } = (entry ?? {}) as Record<string, unknown>;
    if (!short(name, 256) || !short(version, 128) || !short(digest, 100)) return [];
    return [{ name, version, digest: DIGEST.test(digest) ? digest : `unrecognised:${digest.slice(0, 80)}` }];
  });
}

/**
 * A result the executor reported (in its answer or a callback): `succeeded` (maybe with a snapshot reference, and for a
 * deploy step the digests installed) or `failed` with a reason code.
 */
export function outcomeOf(result: unknown): ExecutorAnswer {
  const r = (result ?? {}) as { status?: unknown; reason?: unknown; detail?: unknown; snapshotRef?: unknown; installed?: unknown };
  if (r.status === 'succeeded') {
    const installed = installedOf(r.installed);
    return { status: 'succeeded', ...(typeof r.snapshotRef === 'string' && r.snapshotRef.length <= 512 && r.snapshotRef ? { snapshotRef: r.snapshotRef } : {}), ...(installed ? { installed } : {}) };
  }
  if (r.status === 'failed') {
    return { status: 'failed', reason: typeof r.reason === 'string' && CODE.test(r.reason) ? r.reason : 'ExecutorReportedFailure', ...(typeof r.detail === 'string' && r.detail ? { detail: r.detail.slice(0, 2000) } : {}) };
  }
  return { status: 'failed', reason: 'ExecutorAnswerInvalid', detail: 'the answer is neither {"status":"succeeded"} nor {"status":"failed"}' };
}
