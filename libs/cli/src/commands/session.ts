import { GantryError, type GantryService } from '@gantry/client';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_URL, removeConfig, writeConfig, type Credentials } from '../config';
import { CliFailure, EXIT, failureOf } from '../exit-codes';
import { examples, type Invocation } from '../invocation';

const SERVICES: readonly GantryService[] = ['planning', 'verification', 'execution', 'records', 'model-review'];

/** `--service planning=http://10.0.0.1:3001`, collected into the services' URLs. */
export const serviceUrl = (value: string, previous: Partial<Record<GantryService, string>> = {}) => {
  const at = value.indexOf('=');
  const service = value.slice(0, at) as GantryService;
  if (at < 0 || !SERVICES.includes(service) || !/^https?:\/\/\S+$/.test(value.slice(at + 1))) throw new InvalidArgumentError(`give <service>=<url>, the service one of ${SERVICES.join(', ')}`);
  return { ...previous, [service]: value.slice(at + 1).replace(/\/+$/, '') };
};

/** `gantry login` and `gantry logout`: the credentials kept for the next commands. */
export function sessionCommands(program: Command, cli: Invocation): void {
  program
    .command('login')
    .description('check a server URL and credentials, and keep them for the next commands (owner-only file)')
    .argument('[url]', `the server's URL: the embedded default, or a gateway in front of the services (default: GANTRY_URL, or ${DEFAULT_URL})`)
    .option('--token <jwt>', 'a bearer token (JWT)')
    .option('--with-token', 'read the token from standard input (keeps it out of the shell history)')
    .option('--api-key <key>', "a system's API key (X-Api-Key)")
    .option('--service <service=url>', 'the distributed mode without a gateway: a service\'s own URL (repeatable; the others go to the url)', serviceUrl)
    .addHelpText(
      'after',
      examples(
        'gantry login http://127.0.0.1:3000 --token "$(gantry token deployment-manager)"',
        'gantry login https://gantry.example.com --with-token < token.txt',
        'gantry login https://gantry.example.com --api-key "$KEY"',
        'gantry login http://127.0.0.1:3001 --token "$T" --service records=http://127.0.0.1:3004 --service model-review=http://127.0.0.1:3005',
      ),
    )
    .action(async (url: string | undefined, o: { token?: string; withToken?: boolean; apiKey?: string; service?: Credentials['services'] }) => {
      const token = o.withToken ? (await cli.text('-')).trim() : o.token;
      if (!token === !o.apiKey) throw new CliFailure('give one credential: --token, --with-token or --api-key', EXIT.usage);
      const credentials: Credentials = {
        url: (url ?? (cli.io.env.GANTRY_URL || DEFAULT_URL)).replace(/\/+$/, ''),
        ...(o.service ? { services: o.service } : {}),
        ...(token ? { token } : { apiKey: o.apiKey }),
      };
      // kept only once planning has answered and taken them: any answer but 401 (a 403 is a known identity without
      // this permission)
      await cli
        .client(credentials)
        .get('/environments')
        .catch((error: unknown) => {
          if (error instanceof GantryError && error.status !== 401) return;
          throw failureOf(error, credentials.services?.planning ?? credentials.url);
        });
      const file = writeConfig(cli.io.env, credentials);
      cli.err(`logged in to ${credentials.url}; credentials kept in ${file}\n`);
    });

  program
    .command('logout')
    .description('forget the kept credentials')
    .addHelpText('after', examples('gantry logout'))
    .action(() => cli.err(removeConfig(cli.io.env) ? 'logged out\n' : 'not logged in\n'));
}
