import { waveOf, type StepRequest } from '../runs';

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
