/**
 * `itertrace completions bash|zsh|fish`: shell completion scripts generated from the
 * commander declaration, so they never drift from the real options, with real values: the
 * choices of every option and argument (formats, severities, shells), the modelled releases
 * for `--kernel`, warning codes for `explain`, ops for `ops`, kernel functions for `eras`, and
 * trace files (`.yaml`, `.yml`, `.json`, `.jsonl`, and directories) where a trace is expected.
 *
 * @module
 */
/** The parts of a commander program the generator reads. */
export interface ProgramShape {
  readonly commands: readonly {
    name(): string;
    description(): string;
    readonly options: readonly {
      short?: string;
      long?: string;
      description: string;
      argChoices?: string[];
      required?: boolean;
      optional?: boolean;
    }[];
    readonly registeredArguments?: readonly { name(): string; argChoices?: string[] }[];
  }[];
}

/** Values the declaration does not carry: what an option or a command's argument may be. */
export interface CompletionValues {
  /** By long option name (`--kernel`): the values it takes. */
  readonly options: Readonly<Record<string, readonly string[]>>;
  /** By command: the values of its first argument. */
  readonly args: Readonly<Record<string, readonly string[]>>;
  /** Commands whose arguments are trace files or directories. */
  readonly traceCommands: readonly string[];
}

interface OptSpec {
  flags: string[];
  description: string;
  takesValue: boolean;
  values?: readonly string[];
}

interface Spec {
  name: string;
  description: string;
  options: OptSpec[];
  /** Values of the first argument, if known. */
  args?: readonly string[];
  traces: boolean;
}

function specs(program: ProgramShape, v: CompletionValues): Spec[] {
  return program.commands.map((c) => {
    const argChoices = c.registeredArguments?.[0]?.argChoices;
    return {
      name: c.name(),
      description: c.description(),
      options: c.options.map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => !!f),
        description: o.description,
        takesValue: !!(o.required || o.optional),
        ...(o.argChoices
          ? { values: o.argChoices }
          : o.long && v.options[o.long]
          ? { values: v.options[o.long] }
          : {}),
      })),
      ...(argChoices ? { args: argChoices } : v.args[c.name()] ? { args: v.args[c.name()] } : {}),
      traces: v.traceCommands.includes(c.name()),
    };
  });
}

const TRACE_GLOB = "*.@(yaml|yml|json|jsonl)";

function words(list: readonly string[]): string {
  return list.join(" ");
}

function bash(s: Spec[]): string {
  const cases = s.map((c) => {
    const opts = c.options.flatMap((o) => o.flags).join(" ");
    const valueCases = c.options.filter((o) => o.takesValue).map((o) =>
      o.values
        ? `        ${o.flags.join("|")}) COMPREPLY=( $(compgen -W "${
          words(o.values)
        }" -- "$cur") ); return ;;`
        : `        ${o.flags.join("|")}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;`
    ).join("\n");
    const rest = c.args
      ? `$(compgen -W "${words(c.args)}" -- "$cur")`
      : c.traces
      ? `$(compgen -d -- "$cur") $(compgen -f -X '!${TRACE_GLOB}' -- "$cur")`
      : `$(compgen -f -- "$cur")`;
    return `    ${c.name})
      case "$prev" in
${valueCases}
      esac
      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${opts}" -- "$cur") ); return; fi
      COMPREPLY=( ${rest} ) ;;`;
  }).join("\n");
  return `# bash completion for itertrace: eval "$(itertrace completions bash)"
_itertrace() {
  local cur prev cmd
  shopt -s extglob
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${s.map((c) => c.name).join(" ")} help --help --version" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
  esac
}
complete -o filenames -F _itertrace itertrace
`;
}

function zshQuote(s: string): string {
  return s.replace(/[\[\]':]/g, "");
}

function zsh(s: Spec[]): string {
  const subs = s.map((c) => `    '${c.name}:${zshQuote(c.description)}'`).join("\n");
  const cases = s.map((c) => {
    const args = c.options.map((o) => {
      const takes = o.values ? `:value:(${words(o.values)})` : o.takesValue ? ":value:_files" : "";
      const names = o.flags.length > 1 ? `{${o.flags.join(",")}}` : o.flags[0];
      return `        ${names}'[${zshQuote(o.description)}]${takes}'`;
    });
    const rest = c.args
      ? `'*:value:(${words(c.args)})'`
      : c.traces
      ? `'*:trace:_files -g "*.(yaml|yml|json|jsonl)"'`
      : `'*:file:_files'`;
    return `    ${c.name})\n      _arguments \\\n${[...args, `        ${rest}`].join(" \\\n")} ;;`;
  }).join("\n");
  return `#compdef itertrace
# zsh completion for itertrace: itertrace completions zsh > "\${fpath[1]}/_itertrace"
_itertrace() {
  local -a subcommands
  subcommands=(
${subs}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' subcommands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
_itertrace "$@"
`;
}

function fishQuote(s: string): string {
  return s.replace(/'/g, "");
}

function fish(s: Spec[]): string {
  const lines = ["# fish completion for itertrace: itertrace completions fish | source"];
  lines.push("complete -c itertrace -f");
  for (const c of s) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    lines.push(
      `complete -c itertrace -n '__fish_use_subcommand' -a ${c.name} -d '${
        fishQuote(c.description)
      }'`,
    );
    for (const o of c.options) {
      const short = o.flags.find((f) => /^-[^-]/.test(f));
      const long = o.flags.find((f) => f.startsWith("--"));
      const parts = [`complete -c itertrace ${when}`];
      if (short) parts.push(`-s ${short.slice(1)}`);
      if (long) parts.push(`-l ${long.slice(2)}`);
      if (o.values) parts.push(`-x -a '${words(o.values)}'`);
      else if (o.takesValue) parts.push("-r -F");
      parts.push(`-d '${fishQuote(o.description)}'`);
      lines.push(parts.join(" "));
    }
    if (c.args) lines.push(`complete -c itertrace ${when} -x -a '${words(c.args)}'`);
    else if (c.traces) {
      lines.push(
        `complete -c itertrace ${when} -x -a '(__fish_complete_suffix .yaml .yml .json .jsonl; __fish_complete_directories)'`,
      );
    } else lines.push(`complete -c itertrace ${when} -F`);
  }
  return lines.join("\n") + "\n";
}

/** The completion script for a shell. */
export function completionScript(
  program: ProgramShape,
  shell: "bash" | "zsh" | "fish",
  values: CompletionValues = { options: {}, args: {}, traceCommands: [] },
): string {
  const s = specs(program, values);
  return shell === "bash" ? bash(s) : shell === "zsh" ? zsh(s) : fish(s);
}
