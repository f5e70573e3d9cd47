/**
 * The command line: `itertrace replay|check|validate|explain|schema`. `runCli` never exits;
 * it returns the exit code (0 ok, 1 expectation failed, 2 usage error or invalid trace).
 *
 * @module
 */
import { FAIL_ON_HELP, SEVERITY_ORDER } from "./severity.ts";
import {
  Argument,
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import type { CompletionValues } from "./completions.ts";
import type { Io } from "./io.ts";
import { FileError, TraceError, UsageError } from "../errors.ts";
import { LimitError, LIMITS_ENV, setLimits } from "../limits.ts";
import type { LiveSystem } from "../live/system.ts";

// Each command's module (and what it needs: the trace format's schemas, the model, the YAML
// parser, ...) is imported when that command runs, not at start-up: `--help` or `replay` of
// JSON Lines need not evaluate the rest (start-up is part of every run's time).

/** Runs the CLI with `argv` (without the program name); resolves to the exit code. */
export function runCli(argv: readonly string[], io: Io): Promise<number> {
  return runCliOn(argv, io);
}

/**
 * runCli with the machine `itertrace live` runs on: this one when `live` is absent, a fake
 * kernel in tests.
 */
export async function runCliOn(
  argv: readonly string[],
  io: Io,
  live?: LiveSystem,
): Promise<number> {
  let code = 0;
  const program = new Command("itertrace")
    .description("Replay traces of Linux iov_iter conversions: pages, pins, sg tables, SGEs, bios")
    .version("0.1.0")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // a fixed width keeps help and snapshots byte-identical on every terminal
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    });

  program.command("replay")
    .description("replay a trace step by step, showing every change and warning")
    .argument("<trace>", "trace file (.yaml, .yml, .json, .jsonl)")
    .addOption(
      formatOption(["text", "json", "jsonl", "md"]),
    )
    .option(
      "-k, --kernel <release>",
      'kernel era to replay as ("6.1", "6.12.88", "7.3-rc2", "next-20241030", "latest")',
    )
    .option("--from <step>", "first step to show", parseStep)
    .option("--to <step>", "last step to show", parseStep)
    .option("-q, --quiet", "print the summary only")
    .option(
      "--state",
      "also print the full state (every iterator, list, table, pipe, pin count) after each step",
    )
    .option(
      "--expand",
      "list every page, entry and warning (text output folds runs of pages into ranges)",
    )
    .addOption(
      new Option("--fail-on <severity>", FAIL_ON_HELP).choices(SEVERITY_ORDER),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace replay traces/copy/KVEC+vmalloc-1M+8ranges+copy_to_iter.yaml\n  itertrace replay -q --kernel 6.1 trace.yaml\n",
    )
    .action(async (trace, opts) => {
      const { replayCommand } = await import("./replay.ts");
      code = await replayCommand(io, trace, opts);
    });

  program.command("check")
    .description("run every trace under the paths and judge its expectations (CI mode)")
    .argument("<paths...>", "trace files or directories (searched recursively, sorted)")
    .addOption(
      formatOption(["text", "json", "tap", "junit", "md"]),
    )
    .option(
      "-k, --kernel <release>",
      "kernel era to replay every trace as (traces whose ops are not in it are skipped)",
    )
    .option("-u, --update", "write missing or changed golden files (<trace>.expected)")
    .option("--filter <glob>", "only traces whose name or path matches the glob")
    .addOption(
      new Option("--fail-on <severity>", `also fail a trace: ${FAIL_ON_HELP}`).choices(
        SEVERITY_ORDER,
      ),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace check traces/\n  itertrace check --update traces/seed\n  itertrace check --format junit traces/ > junit.xml\n  itertrace check --kernel 6.1 --filter 'IOVEC+*' traces/\n",
    )
    .action(async (paths, opts) => {
      const { checkCommand } = await import("./check.ts");
      code = await checkCommand(io, paths, opts);
    });

  program.command("live")
    .argument("[traces...]", "traces whose user I/O to run (O_DIRECT or vmsplice shapes)")
    .description(
      "judge the model by the running kernel: random O_DIRECT and vmsplice cases, pins from /proc/vmstat (root)",
    )
    .option("--random <n>", "how many random cases to generate and run")
    .option("--seed <s>", "the generator's seed", "1")
    .option("--dir <dir>", "where to put the 32 MiB O_DIRECT test file", "/tmp")
    .option("--record <file>", "write the cases, the kernel's answers and the traces (JSON Lines)")
    .option("-q, --quiet", "print only disagreements and the total")
    .addHelpText(
      "after",
      "\nNeeds root and Deno's FFI (libc through Deno.dlopen): sudo deno task live --random 300 --seed 7\n",
    )
    .action(async (traces, opts) => {
      const { liveCommand } = await import("../live/command.ts");
      code = await liveCommand(io, opts, traces, live);
    });

  program.command("compare")
    .description("show where two eras of a trace (or two traces) diverge, step by step")
    .argument("<traces...>", "one trace (with --kernel A --kernel B) or two traces")
    .option("-k, --kernel <release>", "an era to replay as (give two for one trace)", collect)
    .addOption(
      formatOption(["text", "json", "md"]),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace compare --kernel 6.2 --kernel 6.5 traces/seed/PIPE+odirect-splice+truncate-corruption.yaml\n  itertrace compare before.yaml after.yaml\n",
    )
    .action(async (traces, opts) => {
      const { compareCommand } = await import("./compare.ts");
      code = await compareCommand(io, traces, opts);
    });

  program.command("report")
    .description("write a self-contained HTML page with a picture per step")
    .argument("<trace>", "trace file")
    .requiredOption("-o, --output <file>", "the HTML file to write")
    .option("--force", "replace the output file if it exists")
    .option("-k, --kernel <release>", "kernel era to replay as")
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace report traces/seed/PIPE+odirect-splice+truncate-corruption.yaml -o corruption.html\n",
    )
    .action(async (trace, opts) => {
      const { reportCommand } = await import("./report.ts");
      code = await reportCommand(io, trace, opts);
    });

  program.command("import")
    .description(
      "turn a captured workload (bpftrace capture or strace) or a syzkaller program into a trace",
    )
    .addArgument(
      new Argument("<kind>", "capture kind").choices(["bpftrace", "strace", "syz"]),
    )
    .argument("<file>", "the capture")
    .addOption(
      new Option("--path <path>", "the kernel path to replay the I/O through").choices([
        "odirect",
        "netfs",
      ])
        .default("odirect"),
    )
    .option("-k, --kernel <release>", "kernel era of the trace", "6.18")
    .option("--file <path>", "model only calls on this file (its path, or a suffix after a /)")
    .option("--pid <pid>", "model only calls of this process")
    .option("--comm <comm>", "model only calls of tasks with this command name (bpftrace)")
    .option("--fd <n>", "model only calls on this file descriptor number")
    .option(
      "--assume-direct",
      "replay calls on fds the capture does not show opened with O_DIRECT as O_DIRECT anyway",
    )
    .option(
      "--contiguous",
      "give each buffer region consecutive page frames (default: no two pages adjacent)",
    )
    .option("--all", "accepted for compatibility: plain read/write calls are always considered")
    .option("--name <name>", "the trace's name")
    .addOption(
      formatOption(["yaml", "jsonl"]),
    )
    .option("-o, --output <file>", "write the trace here instead of stdout")
    .option("--force", "replace the -o file if it exists")
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace import bpftrace fixtures/captures/dd-write.bt.txt -o dd.yaml\n  itertrace import strace --file data.bin --path netfs run.strace -f jsonl -o run.jsonl\n  itertrace import syz fixtures/captures/syz/vmsplice-pipe.syz\n",
    )
    .action(async (kind, file, opts) => {
      const { importCommand } = await import("./import.ts");
      code = await importCommand(io, kind, file, opts);
    });

  program.command("lab")
    .description(
      "run each workload's conversions through every proposed strategy and print one table",
    )
    .argument("[traces...]", "trace files or directories (default: the gallery, traces/lab/)")
    .addOption(
      formatOption(
        ["text", "md", "json", "summary"],
        "output format (summary: one Markdown row per workload, one column per strategy)",
      ),
    )
    .option("-k, --kernel <release>", "run every strategy in this era (default: each trace's)")
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace lab\n  itertrace lab --format md traces/lab/BVEC+rdma.yaml\n  itertrace lab --format summary\n  itertrace lab --kernel 6.4 my-trace.yaml\n",
    )
    .action(async (traces, opts) => {
      const { labCommand } = await import("./lab.ts");
      code = await labCommand(io, traces, opts);
    });

  program.command("validate")
    .description(
      "check traces against the schema and their references; every problem with file:line:column",
    )
    .argument("<paths...>", "trace files or directories")
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace validate my-trace.yaml\n  itertrace validate traces/\n",
    )
    .action(async (traces) => {
      const { validateCommand } = await import("./validate.ts");
      code = await validateCommand(io, traces);
    });

  program.command("explain")
    .description("describe a warning code, or list them all")
    .argument("[code]", "warning code, e.g. pin_leak")
    .addHelpText("after", "\nExamples:\n  itertrace explain\n  itertrace explain pin_leak\n")
    .action(async (c) => {
      const { explainCommand } = await import("./explain.ts");
      code = await explainCommand(io, c);
    });

  program.command("ops")
    .description("the ops of the trace format: arguments, eras, the kernel function each follows")
    .argument("[name]", "an op, e.g. iov_iter_extract_pages")
    .addOption(
      formatOption(["text", "json"]),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace ops\n  itertrace ops iov_iter_extract_pages\n  itertrace ops -f json\n",
    )
    .action(async (name, opts) => {
      const { opsCommand } = await import("./ops.ts");
      code = opsCommand(io, name, opts);
    });

  program.command("eras")
    .description("the era table: what changes in which release, with commits and evidence")
    .argument("[function]", "only the rows touching this kernel function")
    .addOption(
      formatOption(["text", "json"]),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace eras\n  itertrace eras extract_iter_to_sg\n  itertrace eras -f json\n",
    )
    .action(async (fn, opts) => {
      const { erasCommand } = await import("./eras.ts");
      code = erasCommand(io, fn, opts);
    });

  program.command("schema")
    .description("print the JSON Schema of the trace format")
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace schema > trace.schema.json\n  # then, first line of a trace: # yaml-language-server: $schema=trace.schema.json\n",
    )
    .action(async () => {
      const { schemaCommand } = await import("./schema.ts");
      code = schemaCommand(io);
    });

  program.command("export")
    .description("export traces for another tool")
    .command("kunit")
    .description(
      "write a KUnit suite (C) that runs each trace's ops on a real kernel and expects the model's results",
    )
    .argument("[traces...]", "trace files or directories (searched recursively, sorted)")
    .requiredOption("-k, --kernel <release>", 'the kernel era to export for ("6.1", "6.12")')
    .option("-o, --output <file>", "write the C file here instead of stdout")
    .option("--force", "replace the -o file if it exists")
    .option("--random <n>", "also generate n random shapes (one case each)")
    .option("--seed <s>", "seed of the random shapes", "1")
    .addHelpText(
      "after",
      "\nExamples:\n  itertrace export kunit --kernel 6.12 traces/ -o lib/itertrace_kunit.c\n  itertrace export kunit --kernel 6.1 --random 300 --seed 7 -o itertrace_kunit.c\n  fixtures/kunit/run.sh 6.12   # build a UML kernel with the suite and record its KTAP\n",
    )
    .action(async (traces, opts) => {
      const { exportKunitCommand } = await import("./export.ts");
      code = await exportKunitCommand(io, traces, opts);
    });

  program.command("completions")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      '\nExamples:\n  eval "$(itertrace completions bash)"\n  itertrace completions fish | source\n',
    )
    .action(async (shell) => {
      const { completionScript } = await import("./completions.ts");
      const values = await completionValues();
      io.stdout(completionScript(program, shell as "bash" | "zsh" | "fish", values));
      code = 0;
    });

  const bad = setLimits(io.env(LIMITS_ENV));
  if (bad) {
    io.stderr(`error: ${bad}\n`);
    return 2;
  }
  try {
    if (argv.length === 0) {
      io.stderr(program.helpInformation());
      return 2;
    }
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      if (e.code === "commander.help") return 0;
      return 2;
    }
    if (e instanceof TraceError) {
      io.stderr(e.message + "\n");
      return 2;
    }
    if (e instanceof UsageError || e instanceof FileError || e instanceof LimitError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** `-f, --format <format>` limited to `choices`, the first being the default. */
function formatOption<const T extends readonly [string, ...string[]]>(
  choices: T,
  help = "output format",
) {
  return new Option("-f, --format <format>", help).choices(choices).default(choices[0]);
}

/** What completions offer beyond the declared choices. */
async function completionValues(): Promise<CompletionValues> {
  const [{ modelledEras, nextSnapshots }, { WARNINGS }, { DECLARED_OPS }, { eraFunctions }] =
    await Promise.all([
      import("../profile.ts"),
      import("../check/warnings.ts"),
      import("../trace/ops/mod.ts"),
      import("./eras.ts"),
    ]);
  return {
    options: { "--kernel": [...modelledEras(), ...nextSnapshots(), "latest"] },
    args: {
      explain: Object.keys(WARNINGS).sort(),
      ops: [...DECLARED_OPS],
      eras: eraFunctions(),
    },
    traceCommands: ["replay", "check", "validate", "compare", "report", "lab", "live"],
  };
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

function parseStep(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a step index");
  return n;
}
