import { GantryError } from '@gantry/client';
import type { Command } from 'commander';
import { DEFAULT_URL, removeConfig, writeConfig, type Credentials } from '../config';
import { CliFailure, EXIT, failureOf } from '../exit-codes';
import { examples, type Invocation } from '../invocation';

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** `gantry login` and `gantry logout`: the credentials kept for the next commands. */
export function sessionCommands(program: Command, cli: Invocation): void {
  program
    .command('login')
    .description('check a server URL and credentials, and keep them for the next commands (owner-only file)')
    .argument('[url]', `the server's URL: the embedded default, or a gateway in front of the services (default: GANTRY_URL, or ${DEFAULT_URL})`)
    .option('--token <jwt>', 'a bearer token (JWT)')
    .option('--with-token', 'read the token from standard input (keeps it out of the shell history)')
    .option('--api-key <key>', "a system's API key (X-Api-Key)")
    .addHelpText(
      'after',
      examples('gantry login http://127.0.0.1:3000 --token "$(gantry token deployment-manager)"', 'gantry login https://gantry.example.com --with-token < token.txt', 'gantry login https://gantry.example.com --api-key "$KEY"'),
    )
    .action(async (url: string | undefined, o: { token?: string; withToken?: boolean; apiKey?: string }) => {
      const token = o.withToken ? (await readAll(cli.io.stdin)).trim() : o.token;
      if (!token === !o.apiKey) throw new CliFailure('give one credential: --token, --with-token or --api-key', EXIT.usage);
      const credentials: Credentials = { url: (url ?? (cli.io.env.GANTRY_URL || DEFAULT_URL)).replace(/\/+$/, ''), ...(token ? { token } : { apiKey: o.apiKey }) };
      // kept only once the server has answered and taken them; a 403 is a known identity without this permission
      await cli
        .client(credentials)
        .get('/environments')
        .catch((error: unknown) => {
          if (error instanceof GantryError && error.status === 403) return;
          throw failureOf(error, credentials.url);
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
