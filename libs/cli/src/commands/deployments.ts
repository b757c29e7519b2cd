import type { BodyOf } from '@gantry/client';
import { Option, type Command } from 'commander';
import { CliFailure, EXIT, stillGoing } from '../exit-codes';
import { bodyOption, examples, outputOption, wholeNumber, type Invocation } from '../invocation';
import { detailView, type Column, type Format, type View } from '../output';

/** The statuses GET /deployments answers (planning's decision, then how far the deployment has come). */
export const DEPLOYMENT_STATUSES = ['requested', 'planned', 'verified', 'executing', 'executed', 'succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected'] as const;
/** A deployment in one of these goes no further. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected']);

interface Deployment {
  deploymentId: string;
  status: string;
  version?: number;
  request?: { changeId?: string; service?: string; environment?: string; components?: { name: string; version: string }[]; model?: string };
  rejection?: { reason: string };
  cancellation?: { reason: string; by: string };
  progress?: Record<string, unknown>;
}

const components = (d: Deployment) => (d.request?.components ?? []).map((c) => `${c.name}@${c.version}`);

const COLUMNS: Column[] = [
  { header: 'id', cell: (d: Deployment) => d.deploymentId },
  { header: 'status', cell: (d: Deployment) => d.status },
  { header: 'change', cell: (d: Deployment) => d.request?.changeId },
  { header: 'service', cell: (d: Deployment) => d.request?.service },
  { header: 'environment', cell: (d: Deployment) => d.request?.environment },
  { header: 'components', cell: components },
];

/** One deployment, field by field; json and yaml show it as planning answered. */
export function deploymentView(d: Deployment): View {
  const summary = {
    id: d.deploymentId,
    status: d.status,
    change: d.request?.changeId,
    service: d.request?.service,
    environment: d.request?.environment,
    components: components(d),
    model: d.request?.model,
    rejection: d.rejection?.reason,
    cancellation: d.cancellation && `${d.cancellation.reason} (by ${d.cancellation.by})`,
    progress: d.progress,
  };
  return { ...detailView(summary, Object.keys(summary)), data: d };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks GET /deployments/{id} every interval until the status is final; the last answer. */
async function watchOverRest(cli: Invocation, id: string, o: { interval: number; timeout: number }, seen: (status: string, id: string) => void): Promise<unknown> {
  const client = cli.client();
  const started = performance.now();
  for (;;) {
    const { data } = await client.get('/deployments/{id}', { path: { id } });
    const deployment = data as Deployment;
    seen(deployment.status, deployment.deploymentId);
    if (FINAL_STATUSES.has(deployment.status)) return deployment;
    if (o.timeout > 0 && performance.now() - started > o.timeout * 1000) throw stillGoing(id, deployment.status, o.timeout);
    await sleep(o.interval);
  }
}

/** `gantry deployments request|list|get|watch|cancel`. */
export function deploymentCommands(program: Command, cli: Invocation): void {
  const deployments = program
    .command('deployments')
    .alias('deployment')
    .description('request, follow and cancel deployments (planning)')
    .addHelpText('after', examples('gantry deployments', 'gantry deployments request -f request.json', 'gantry deployments watch 0f9a…'));

  deployments
    .command('list', { isDefault: true })
    .description('the latest deployments, newest first')
    .option('--environment <name>', 'only those into this environment')
    .addOption(new Option('--status <status>', 'only those in this status').choices(DEPLOYMENT_STATUSES))
    .option('--limit <n>', 'at most this many (1-500)', wholeNumber('--limit', { min: 1, max: 500 }))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry deployments list --environment production --status executing', 'gantry deployments -o json'))
    .action(async (o: { environment?: string; status?: (typeof DEPLOYMENT_STATUSES)[number]; limit?: number; output: Format }) => {
      const { data } = await cli.client().get('/deployments', { query: { environment: o.environment, status: o.status, limit: o.limit } });
      cli.show({ data, rows: (data as { deployments: Deployment[] }).deployments, columns: COLUMNS }, o.output);
    });

  deployments
    .command('get')
    .description('one deployment: its status, request and progress')
    .argument('<id>', 'the deployment id')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry deployments get 0f9a…', 'gantry deployments get 0f9a… -o yaml'))
    .action(async (id: string, o: { output: Format }) => {
      const { data } = await cli.client().get('/deployments/{id}', { path: { id } });
      cli.show(deploymentView(data as Deployment), o.output);
    });

  deployments
    .command('request')
    .description('request a deployment of an authorised change (the body of POST /deployments, from a file)')
    .addOption(bodyOption('the request'))
    .option('--idempotency-key <key>', 'the same key makes a retry the same request (default: a new one)')
    .option('-q, --quiet', 'print only the deployment id')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry deployments request -f request.json', 'gantry deployments request -f - -o json < request.json', 'DEPLOYMENT=$(gantry deployments request -f request.json -q)'))
    .action(async (o: { file: string; idempotencyKey?: string; quiet?: boolean; output: Format }) => {
      const body = await cli.json<BodyOf<'/deployments', 'post'>>(o.file);
      const { data } = await cli.client().post('/deployments', { body, idempotencyKey: o.idempotencyKey });
      const deployment = data as Deployment;
      if (o.quiet) cli.out(`${deployment.deploymentId}\n`);
      else cli.show(deploymentView(deployment), o.output);
      // planning answers 201 with a rejection too: it is recorded, but nothing will be deployed
      if (deployment.status === 'rejected') throw new CliFailure(`deployment ${deployment.deploymentId} rejected: ${deployment.rejection?.reason}`, EXIT.refused);
    });

  deployments
    .command('test-results')
    .description("report a test suite's results against a deployment's acceptance criteria (verification)")
    .argument('<id>', 'the deployment id')
    .requiredOption('--suite <name>', "the suite, as the acceptance criterion names it")
    .requiredOption('--passed <n>', 'tests passed', wholeNumber('--passed'))
    .requiredOption('--failed <n>', 'tests failed', wholeNumber('--failed'))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry deployments test-results 0f9a… --suite checkout --passed 12 --failed 0'))
    .action(async (id: string, o: { suite: string; passed: number; failed: number; output: Format }) => {
      const { data } = await cli.client().post('/deployments/{deploymentId}/test-results', { path: { deploymentId: id }, body: { suite: o.suite, passed: o.passed, failed: o.failed } });
      cli.show(detailView(data, ['deploymentId', 'accepted']), o.output);
    });

  deployments
    .command('watch')
    .description('follow a deployment until its status is final; exit 0 when it succeeded, 5 when not')
    .argument('<id>', 'the deployment id')
    .option('--interval <ms>', 'how often to ask (REST)', wholeNumber('--interval', { min: 100 }), 1000)
    .option('--grpc <host:port>', "follow planning's gRPC WatchDeployment stream at this address instead of asking over REST")
    .option('--timeout <seconds>', 'give up after this long (0: never)', wholeNumber('--timeout'), 0)
    .addOption(outputOption())
    .addHelpText('after', examples('gantry deployments watch 0f9a… && echo deployed', 'gantry deployments watch 0f9a… --timeout 600 -o json', 'gantry deployments watch 0f9a… --grpc 127.0.0.1:50051'))
    .action(async (id: string, o: { interval: number; grpc?: string; timeout: number; output: Format }) => {
      let last: string | undefined;
      const seen = (status: string, id: string) => {
        if (status !== last && o.output === 'table') cli.out(`${id}  ${status}\n`);
        last = status;
      };
      // gRPC (grpc-js) is loaded only by the commands that use it: every other command starts faster
      const final = o.grpc ? await (await import('./watch-grpc')).watchOverGrpc(cli, o.grpc, id, o.timeout, seen) : await watchOverRest(cli, id, o, seen);
      if (o.output !== 'table') cli.show(o.grpc ? detailView(final, []) : deploymentView(final as Deployment), o.output);
      const { status } = final as { status: string };
      if (status !== 'succeeded') throw new CliFailure(`deployment ${id} ${status}`, EXIT.notSucceeded);
    });

  deployments
    .command('cancel')
    .description('cancel a deployment that has not started')
    .argument('<id>', 'the deployment id')
    .requiredOption('--reason <text>', 'why (recorded)')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry deployments cancel 0f9a… --reason "superseded by CHG0031338"'))
    .action(async (id: string, o: { reason: string; output: Format }) => {
      const client = cli.client();
      // planning needs the version last read as If-Match: a cancel never acts on a deployment that moved meanwhile
      const { headers } = await client.get('/deployments/{id}', { path: { id } });
      const { data } = await client.post('/deployments/{id}/cancel', { path: { id }, ifMatch: headers.get('etag') ?? undefined, body: { reason: o.reason } });
      cli.show(deploymentView(data as Deployment), o.output);
    });
}
