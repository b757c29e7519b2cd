import type { Command } from 'commander';
import { examples, outputOption, type Invocation } from '../invocation';
import { detailView, type Format } from '../output';

/** A run field by field (json and yaml: as execution answered). */
const runView = (run: unknown) => detailView(run, ['deploymentId', 'status', 'version', 'strategy', 'paused', 'nextStep', 'gates', 'approvals']);

/** `gantry gates approve|deny` and `gantry runs get|pause|resume|abort` (execution). */
export function runCommands(program: Command, cli: Invocation): void {
  const gates = program
    .command('gates')
    .alias('gate')
    .description("decide a run's gates (execution)")
    .addHelpText('after', examples('gantry gates approve 0f9a… production --comment "rollback rehearsed"', 'gantry gates deny 0f9a… production --comment "not now"'));
  gates
    .command('approve')
    .description("approve a gate of a deployment's run (execution records who, and the comment if given)")
    .argument('<deployment-id>', 'the deployment id')
    .argument('<gate>', 'the gate, as the run names it (gantry runs get)')
    .option('--comment <text>', 'what you say with the approval (recorded in ApprovalGranted)')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry gates approve 0f9a… production', 'gantry gates approve 0f9a… production --comment "rollback rehearsed in staging"'))
    .action(async (deploymentId: string, gate: string, o: { comment?: string; output: Format }) => {
      const body = o.comment === undefined ? {} : { body: { comment: o.comment } };
      const { data } = await cli.client().post('/runs/{deploymentId}/gates/{gate}/approve', { path: { deploymentId, gate }, ...body });
      cli.show(runView(data), o.output);
    });
  gates
    .command('deny')
    .description("deny a gate of a deployment's run, with the reason")
    .argument('<deployment-id>', 'the deployment id')
    .argument('<gate>', 'the gate, as the run names it (gantry runs get)')
    .requiredOption('--comment <text>', 'why (recorded as the reason)')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry gates deny 0f9a… production --comment "error budget spent"'))
    .action(async (deploymentId: string, gate: string, o: { comment: string; output: Format }) => {
      const { data } = await cli.client().post('/runs/{deploymentId}/gates/{gate}/deny', { path: { deploymentId, gate }, body: { reason: o.comment } });
      cli.show(runView(data), o.output);
    });

  const runs = program
    .command('runs')
    .alias('run')
    .description("read and steer a deployment's run (execution)")
    .addHelpText('after', examples('gantry runs get 0f9a…', 'gantry runs pause 0f9a…'));
  runs
    .command('get')
    .description("a deployment's run: status, waves, steps and gates")
    .argument('<deployment-id>', 'the deployment id')
    .addOption(outputOption())
    .addHelpText('after', examples('gantry runs get 0f9a…', 'gantry runs get 0f9a… -o json'))
    .action(async (deploymentId: string, o: { output: Format }) => {
      const { data } = await cli.client().get('/runs/{deploymentId}', { path: { deploymentId } });
      cli.show(runView(data), o.output);
    });
  for (const [name, description] of [
    ['pause', 'pause a run until it is resumed'],
    ['resume', 'resume a paused run'],
    ['abort', 'abort a run'],
  ] as const) {
    runs
      .command(name)
      .description(description)
      .argument('<deployment-id>', 'the deployment id')
      .addOption(outputOption())
      .addHelpText('after', examples(`gantry runs ${name} 0f9a…`))
      .action(async (deploymentId: string, o: { output: Format }) => {
        const { data } = await cli.client().post(`/runs/{deploymentId}/${name}`, { path: { deploymentId } });
        cli.show(runView(data), o.output);
      });
  }
}
