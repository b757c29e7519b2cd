import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { auditCommands } from './commands/audit';
import { catalogueCommands } from './commands/catalogue';
import { deploymentCommands } from './commands/deployments';
import { repositoryCommands } from './commands/repository';
import { runCommands } from './commands/runs';
import { sessionCommands } from './commands/session';
import { toolCommands } from './commands/tools';
import { completionCommand } from './completion';
import { EXIT, failureOf, type ExitCode } from './exit-codes';
import { Invocation, type Io } from './invocation';

/** The version of the checkout (or image) gantry runs from. */
function version(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gantry') return pkg.version ?? '0.0.0';
    }
  }
  return '0.0.0';
}

const EXIT_CODES = `
Examples:
  $ gantry login http://127.0.0.1:3000 --token "$(gantry token deployment-manager)"
  $ gantry deployments watch 0f9a… && echo deployed
  $ gantry audit verify ledger.ndjson --vkey @vkey --checkpoint checkpoints.json

Exit codes:
  0  ok
  1  the server refused (a rule, validation, not found), or another error
  2  a wrong command line
  3  the credentials were refused (401) or lack the permission (403)
  4  no server answered at the URL
  5  not the outcome asked for: a watched deployment did not succeed, a ledger that does not verify

Environment: GANTRY_URL, GANTRY_TOKEN, GANTRY_API_KEY override what \`gantry login\` kept; NO_COLOR turns colour off.
`;

/** The `gantry` command tree, writing to the invocation's streams; commander's exits become errors (exitOverride). */
export function gantryProgram(cli: Invocation): Command {
  const program = new Command('gantry')
    .description('Gantry, the ITIL 4 deployment management practice, from the command line')
    .version(version(), '-V, --version')
    // program options only before a command: `gantry sign --version 2.4.1` is the component's version
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => cli.out(s), writeErr: (s) => cli.err(s) })
    .showSuggestionAfterError()
    .addHelpText('after', EXIT_CODES);
  sessionCommands(program, cli);
  deploymentCommands(program, cli);
  runCommands(program, cli);
  catalogueCommands(program, cli);
  repositoryCommands(program, cli);
  auditCommands(program, cli);
  toolCommands(program, cli);
  completionCommand(program, (text) => cli.out(text));
  return program;
}

/** Runs `gantry` with these arguments; resolves with the exit code. Failures are one line on stderr, never a stack. */
export async function runGantry(argv: readonly string[], io: Io): Promise<ExitCode> {
  const cli = new Invocation(io);
  try {
    await gantryProgram(cli).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = failureOf(error, cli.url);
    io.stderr.write(`gantry: ${failure.message}\n`);
    return failure.exitCode;
  }
}
