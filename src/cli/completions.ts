/**
 * `itertrace completions bash|zsh|fish`: shell completion scripts generated from the
 * commander declaration, so they never drift from the real options.
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
      /** Takes a value (`<value>`). */
      required?: boolean;
      /** Takes an optional value (`[value]`). */
      optional?: boolean;
    }[];
  }[];
}

interface Spec {
  name: string;
  description: string;
  options: {
    flags: string[];
    description: string;
    choices?: readonly string[];
    takesValue: boolean;
  }[];
}

function specs(program: ProgramShape): Spec[] {
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    options: c.options.map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => !!f),
      description: o.description,
      takesValue: !!(o.required || o.optional),
      ...(o.argChoices ? { choices: o.argChoices } : {}),
    })),
  }));
}

function bash(s: Spec[]): string {
  const cases = s.map((c) => {
    const opts = c.options.flatMap((o) => o.flags).join(" ");
    const choiceCases = c.options.filter((o) => o.choices).map((o) =>
      `        ${o.flags.join("|")}) COMPREPLY=( $(compgen -W "${
        o.choices!.join(" ")
      }" -- "$cur") ); return ;;`
    ).join("\n");
    return `    ${c.name})
      case "$prev" in
${choiceCases}
      esac
      COMPREPLY=( $(compgen -W "${opts}" -- "$cur") $(compgen -f -- "$cur") ) ;;`;
  }).join("\n");
  return `# bash completion for itertrace: eval "$(itertrace completions bash)"
_itertrace() {
  local cur prev cmd
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

function zsh(s: Spec[]): string {
  const subs = s.map((c) => `    '${c.name}:${c.description.replace(/'/g, "")}'`).join("\n");
  const cases = s.map((c) => {
    const args = c.options.map((o) => {
      // commander's long flag has no "<value>" in it: whether a value follows is o.takesValue
      const takes = o.choices ? `:value:(${o.choices.join(" ")})` : o.takesValue ? ":value: " : "";
      const names = o.flags.length > 1 ? `{${o.flags.join(",")}}` : o.flags[0];
      return `        ${names}'[${o.description.replace(/[\[\]']/g, "")}]${takes}'`;
    }).join(" \\\n");
    return `    ${c.name})\n      _arguments \\\n${args} \\\n        '*:file:_files' ;;`;
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

function fish(s: Spec[]): string {
  const lines = ["# fish completion for itertrace: itertrace completions fish | source"];
  lines.push("complete -c itertrace -f");
  for (const c of s) {
    lines.push(
      `complete -c itertrace -n '__fish_use_subcommand' -a ${c.name} -d '${
        c.description.replace(/'/g, "")
      }'`,
    );
    for (const o of c.options) {
      const short = o.flags.find((f) => /^-[^-]/.test(f));
      const long = o.flags.find((f) => f.startsWith("--"));
      const parts = [`complete -c itertrace -n '__fish_seen_subcommand_from ${c.name}'`];
      if (short) parts.push(`-s ${short.slice(1)}`);
      if (long) parts.push(`-l ${long.slice(2)}`);
      if (o.choices) parts.push(`-x -a '${o.choices.join(" ")}'`);
      else if (o.takesValue) parts.push("-r");
      parts.push(`-d '${o.description.replace(/'/g, "")}'`);
      lines.push(parts.join(" "));
    }
    lines.push(`complete -c itertrace -n '__fish_seen_subcommand_from ${c.name}' -F`);
  }
  return lines.join("\n") + "\n";
}

/** The completion script for a shell. */
export function completionScript(
  program: ProgramShape,
  shell: "bash" | "zsh" | "fish",
): string {
  const s = specs(program);
  return shell === "bash" ? bash(s) : shell === "zsh" ? zsh(s) : fish(s);
}
