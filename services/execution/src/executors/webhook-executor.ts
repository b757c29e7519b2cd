import { LIMITS } from '@gantry/contracts';
import type { Clock } from '@gantry/platform';
import { TransientExecutorError, type Executor, type ExecutorAnswer, type InstalledComponent, type StepRequest } from '../runs';
import { stepMessage } from './step-message';
import { signedHeaders } from './webhook-signature';

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

const CODE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

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
        headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey, ...signedHeaders(this.config.secret, body, this.clock.now()) },
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
