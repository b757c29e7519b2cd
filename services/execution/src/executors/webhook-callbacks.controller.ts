import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SignedRequest } from '@gantry/auth';
import { checkWebhookSignature, Clock, momentOf, RuleRefused, WEBHOOK_SIGNATURE_HEADER } from '@gantry/platform';
import { ExecutorDirectory } from './executor-configuration';
import { attemptOf, idempotencyKey, nextStep, outcomeOf, planOf, RunCommands, RunDriver } from '../runs';

interface RawRequest {
  rawBody?: Buffer;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

const header = (request: RawRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The webhook executor's late answer: `{"idempotencyKey", "status": "succeeded" | "failed", "reason"?, "detail"?,
 * "snapshotRef"?}`, signed like Gantry's requests with the environment's secret. No bearer token: the signature is the
 * identity. A forged signature, a timestamp outside the replay window, or a signature used before is 401 and
 * changes nothing.
 */
@ApiTags('runs')
@Controller('runs')
export class WebhookCallbacksController {
  constructor(
    private readonly runs: RunCommands,
    private readonly driver: RunDriver,
    private readonly executors: ExecutorDirectory,
    private readonly clock: Clock,
  ) {}

  @Post(':deploymentId/callbacks')
  @SignedRequest()
  @HttpCode(200)
  async callback(@Param('deploymentId', new ParseUUIDPipe()) deploymentId: string, @Req() request: RawRequest) {
    const moment = momentOf(this.clock);
    const { state } = await this.runs.load(deploymentId);
    const plan = planOf(state);
    const config = plan && this.executors.configFor(plan.environment);
    // an unknown run and an environment without webhooks look the same as a bad signature: nothing to learn here
    if (!config || config.type !== 'webhook') throw new UnauthorizedException('the callback is not signed by a configured webhook executor');
    const signature = header(request, WEBHOOK_SIGNATURE_HEADER.toLowerCase());
    const check = checkWebhookSignature(config.secret, signature, request.rawBody?.toString('utf8') ?? '', moment.now, config.replayWindowSeconds ?? 300);
    if (!check.ok) throw new UnauthorizedException(check.reason);
    const body = (request.body ?? {}) as { idempotencyKey?: unknown };
    const outcome = outcomeOf(body);
    return this.runs.store.db.transaction(async (tx) => {
      if (!(await this.runs.firstUseOf(signature!, deploymentId, tx))) throw new UnauthorizedException('this callback was received before (replay)');
      const { state: current } = await this.runs.load(deploymentId, tx);
      const step = nextStep(current);
      const key = step && idempotencyKey(deploymentId, step, attemptOf(current, step));
      if (!step || key !== body.idempotencyKey || outcome.status === 'pending') throw new RuleRefused('StepNotAwaited', { idempotencyKey: String(body.idempotencyKey).slice(0, 600) });
      const { version } = await this.runs.execute(deploymentId, { type: 'RecordStepOutcome', deploymentId, step, outcome, now: moment.now.toISOString() }, {
        ...moment,
        metadata: { actor: { subject: `executor:${plan!.environment}`, roles: [], channel: 'system' }, correlationId: deploymentId },
      }, tx);
      setTimeout(() => this.driver.kick(deploymentId), 20).unref();
      return { deploymentId, version, recorded: outcome.status };
    });
  }
}
