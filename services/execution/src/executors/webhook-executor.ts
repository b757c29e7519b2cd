import { WEBHOOK_SIGNATURE_HEADER, webhookSignature, type Clock } from '@gantry/platform';
import { outcomeOf, stepMessage, TransientExecutorError, type Executor, type ExecutorAnswer, type StepRequest } from '../runs';

export interface WebhookExecutorConfig {
  type: 'webhook';
  /** where each step is POSTed; its host must be on GANTRY_WEBHOOK_ALLOWED_HOSTS */
  url: string;
  /** HMAC-SHA256 key shared with the executor, for requests and callbacks (at least 32 characters) */
  secret: string;
  /** no answer within this time: the step failed (`ExecutorTimeout`); default 10000 */
  timeoutMs?: number;
  /** how old a callback's timestamp may be, in seconds; default 300 */
  replayWindowSeconds?: number;
}

/**
 * POSTs each step, signed, to the configured URL. The answer carries the result (200), or says it comes later through
 * `POST /runs/:deploymentId/callbacks` (202). 5xx, 429 and network errors are transient (asked again with the same
 * key); another 4xx is a refusal; no answer in time is a failure.
 */
export class WebhookExecutor implements Executor {
  constructor(
    private readonly config: WebhookExecutorConfig,
    private readonly allowedHosts: readonly string[],
    private readonly clock: Clock,
  ) {}

  async perform(request: StepRequest): Promise<ExecutorAnswer> {
    const url = new URL(this.config.url);
    if (!this.allowedHosts.includes(url.host)) return { status: 'failed', reason: 'HostNotAllowed', detail: `${url.host} is not on GANTRY_WEBHOOK_ALLOWED_HOSTS` };
    const body = JSON.stringify(stepMessage(request));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey, [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(this.config.secret, body, this.clock.now()) },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return { status: 'failed', reason: 'ExecutorTimeout', detail: `no answer within ${this.config.timeoutMs ?? 10_000} ms` };
      throw new TransientExecutorError(`${url.host}: ${(error as Error).message}`);
    }
    if (response.status === 202) return { status: 'pending' };
    if (response.status >= 500 || response.status === 429) throw new TransientExecutorError(`${url.host} answered ${response.status}`);
    if (response.status !== 200) return { status: 'failed', reason: 'ExecutorRefused', detail: `${url.host} answered ${response.status}` };
    return outcomeOf(await response.json().catch(() => undefined));
  }
}
