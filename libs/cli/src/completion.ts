import type { Command } from 'commander';
import { FORMATS } from './output';

/** Each command's path (`gantry deployments list`), its subcommands and its options, walked from the program. */
function* commandsOf(command: Command, path: string[] = [command.name()]): Generator<{ path: string; subcommands: string[]; options: string[] }> {
  const subcommands = command.commands.map((c) => c.name());
  const options = [...command.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f))), '--help'];
  yield { path: path.join(' '), subcommands, options };
  for (const sub of command.commands) yield* commandsOf(sub, [...path, sub.name()]);
}

const cases = (entries: { path: string; words: string[] }[]) => entries.map((e) => `    "${e.path}") echo "${e.words.join(' ')}" ;;`).join('\n');

/**
 * A bash completion script for the program: subcommands after each command, its options after a dash, and the
 * formats after -o. zsh runs the same script through its bash compatibility (bashcompinit).
 */
export function bashCompletion(program: Command): string {
  const commands = [...commandsOf(program)];
  return `# gantry completion for bash: source <(gantry completion bash), or save it in /etc/bash_completion.d/gantry
_gantry_subcommands() {
  case "$1" in
${cases(commands.map((c) => ({ path: c.path, words: c.subcommands })))}
  esac
}
_gantry_options() {
  case "$1" in
${cases(commands.map((c) => ({ path: c.path, words: c.options })))}
  esac
}
_gantry() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path=gantry i word
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
    -o|--output) COMPREPLY=($(compgen -W "${FORMATS.join(' ')}" -- "$cur")); return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ " $(_gantry_subcommands "$path") " == *" $word "* ]] && path="$path $word"
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_gantry_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_gantry_subcommands "$path")" -- "$cur"))
  fi
}
complete -F _gantry gantry
`;
}

export function zshCompletion(program: Command): string {
  return `#compdef gantry
# gantry completion for zsh: source <(gantry completion zsh) in ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

export function completionCommand(program: Command, out: (text: string) => void): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', '\nExamples:\n  $ source <(gantry completion bash)\n  $ gantry completion zsh > "${fpath[1]}/_gantry"\n')
    .action((shell: string) => {
      if (shell === 'bash') return out(bashCompletion(program));
      if (shell === 'zsh') return out(zshCompletion(program));
      program.error(`gantry completion: no completion for ${shell}; bash or zsh`, { exitCode: 2 });
    });
}
