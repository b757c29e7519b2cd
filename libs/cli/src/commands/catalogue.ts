import type { BodyOf } from '@gantry/client';
import { Option, type Command } from 'commander';
import { failureOf } from '../exit-codes';
import { bodyOption, examples, isoTime, outputOption, type Invocation } from '../invocation';
import { detailView, type Format, type View } from '../output';
import { developmentToken } from './tools';

interface Environment {
  name: string;
  status: string;
  version: number;
  definition: { kind: string; position?: number; targets?: { name: string }[] };
}

interface Model {
  name: string;
  status?: string;
  version?: number;
  latestVersion?: number;
  description?: string;
}

interface PeriodKpis {
  start: string;
  end: string;
  kpis: { name: string; value?: unknown; unit: string }[];
}

/** One environment field by field, its definition's fields beside its status; json and yaml as planning answered. */
const environmentView = (e: Environment): View => ({
  ...detailView({ name: e.name, status: e.status, version: e.version, ...e.definition }, ['name', 'status', 'version', 'kind', 'position', 'timeZone', 'targets', 'deploymentWindows', 'freezes', 'approvalPolicy', 'attributes']),
  data: e,
});

/** `gantry environments`, `gantry models` (with `load-catalogue`) and `gantry kpis`: what deployments go into and how they do. */
export function catalogueCommands(program: Command, cli: Invocation): void {
  const environments = program
    .command('environments')
    .alias('environment')
    .description('the controlled environments deployments go into (planning)')
    .addHelpText('after', examples('gantry environments', 'gantry environments get production'));
  environments
    .command('list', { isDefault: true })
    .description('every registered environment')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry environments', 'gantry environments list -o yaml'))
    .action(async (o: { output: Format }) => {
      const { data } = await cli.client().get('/environments');
      cli.show(
        {
          data,
          rows: (data as { environments: Environment[] }).environments,
          columns: [
            { header: 'name', cell: (e: Environment) => e.name },
            { header: 'status', cell: (e: Environment) => e.status },
            { header: 'kind', cell: (e: Environment) => e.definition.kind },
            { header: 'position', cell: (e: Environment) => e.definition.position },
            { header: 'targets', cell: (e: Environment) => e.definition.targets?.length ?? 0 },
          ],
        },
        o.output,
      );
    });
  environments
    .command('get')
    .description('one environment: targets, windows, freezes, approval policy')
    .argument('<name>', 'the environment')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry environments get production -o yaml'))
    .action(async (name: string, o: { output: Format }) => {
      const { data } = await cli.client().get('/environments/{name}', { path: { name } });
      cli.show(environmentView(data as Environment), o.output);
    });
  environments
    .command('register')
    .description('register a controlled environment (the body of POST /environments): its targets, windows, freezes and approval policy')
    .addOption(bodyOption('the environment'))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry environments register -f examples/staging.json'))
    .action(async (o: { file: string; output: Format }) => {
      const { data } = await cli.client().post('/environments', { body: await cli.json<BodyOf<'/environments', 'post'>>(o.file) });
      cli.show(environmentView(data as Environment), o.output);
    });

  const models = program
    .command('models')
    .alias('model')
    .description('deployment models: how a kind of deployment is done (model-review)')
    .addHelpText('after', examples('gantry models', 'gantry models get in-house-software-ci-cd', 'gantry models load-catalogue'));
  models
    .command('list', { isDefault: true })
    .description('the deployment models')
    .addOption(new Option('--status <status>', 'only those in this status').choices(['draft', 'active', 'retired']))
    .addOption(outputOption())
    .addHelpText('after', examples('gantry models', 'gantry models list --status active -o json'))
    .action(async (o: { status?: 'draft' | 'active' | 'retired'; output: Format }) => {
      const { data } = await cli.client().get('/models', { query: { status: o.status } });
      cli.show(
        {
          data,
          rows: (data as { models: Model[] }).models,
          columns: [
            { header: 'name', cell: (m: Model) => m.name },
            { header: 'status', cell: (m: Model) => m.status },
            { header: 'version', cell: (m: Model) => m.version ?? m.latestVersion },
            { header: 'description', cell: (m: Model) => m.description },
          ],
        },
        o.output,
      );
    });
  models
    .command('get')
    .description('one deployment model and its versions')
    .argument('<name>', 'the model')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry models get in-house-software-ci-cd -o yaml'))
    .action(async (name: string, o: { output: Format }) => {
      const { data } = await cli.client().get('/models/{name}', { path: { name } });
      cli.show(detailView(data, ['name', 'status', 'version', 'latestVersion', 'description', 'versions']), o.output);
    });
  models
    .command('load-catalogue')
    .description('load the starter catalogue of deployment models; models that exist already are left alone')
    .argument('[url]', "where model-review answers (default: the logged-in URL, GANTRY_URL, or the embedded default's)")
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nWith no credentials kept or in GANTRY_TOKEN, it mints a deployment-manager token for five minutes from GANTRY_JWT_SECRET or the embedded default\'s development secret, as `npm run models:load-catalogue` always did.' +
        examples('gantry models load-catalogue', 'gantry models load-catalogue http://127.0.0.1:3005'),
    )
    .action(async (url: string | undefined, o: { output: Format }) => {
      const { credentials } = cli;
      const token =
        credentials.token ??
        (credentials.apiKey
          ? undefined
          : await developmentToken(cli.io.env, { sub: 'catalogue-loader', roles: ['deployment-manager'], expiresIn: '5m' }));
      const at = (url ?? credentials.url).replace(/\/+$/, '');
      const { data } = await cli
        .client({ ...credentials, url: at, token })
        .post('/models/starter-catalogue')
        .catch((error: unknown) => Promise.reject(failureOf(error, at)));
      const { loaded, skipped } = data as { loaded: string[]; skipped: string[] };
      if (o.output !== 'table') return cli.show({ data, rows: [], columns: [] }, o.output);
      cli.out(`loaded: ${loaded.join(', ') || '(none)'}\nalready there: ${skipped.join(', ') || '(none)'}\n`);
    });

  program
    .command('kpis')
    .description("the deployment management practice's KPIs by period (records): the last 30 days by week unless asked")
    .option('--from <time>', 'from this time (ISO 8601)', isoTime('--from'))
    .option('--to <time>', 'until this time (ISO 8601)', isoTime('--to'))
    .addOption(new Option('--period <period>', 'one row per').choices(['day', 'week', 'month']))
    .option('--environment <name>', 'only deployments into this environment')
    .option('--service <name>', 'only deployments of this service')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry kpis', 'gantry kpis --from 2026-11-01 --to 2026-12-01 --period month -o json'))
    .action(async (o: { from?: string; to?: string; period?: 'day' | 'week' | 'month'; environment?: string; service?: string; output: Format }) => {
      const { data } = await cli.client().get('/kpis', { query: { from: o.from, to: o.to, period: o.period, environment: o.environment, service: o.service } });
      const rows = (data as { periods: PeriodKpis[] }).periods.flatMap((p) => p.kpis.map((k) => ({ start: p.start, ...k })));
      cli.show(
        {
          data,
          rows,
          columns: [
            { header: 'period', cell: (r: { start: string }) => r.start.slice(0, 10) },
            { header: 'kpi', cell: (r: { name: string }) => r.name },
            { header: 'value', cell: (r: { value?: unknown }) => r.value },
            { header: 'unit', cell: (r: { unit: string }) => r.unit },
          ],
        },
        o.output,
      );
    });
}
