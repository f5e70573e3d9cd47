/**
 * What both cold benchmarks (`deno task bench`, `deno task bench-extract`) measure of one
 * process: it runs under GNU time (/usr/bin/time), whose one line gives wall and CPU seconds
 * and peak RSS; that line is taken out of the process's stderr. Also the median and the load
 * average they both report.
 *
 * @module
 */

/** One cold process. */
export interface ColdRun {
  /** Wall-clock seconds. */
  wall: number;
  /** CPU seconds, user + system. */
  cpu: number;
  /** Peak resident set, MiB. */
  mib: number;
  /** The process's exit status. */
  code: number;
  stdout: string;
  /** Its stderr without GNU time's line. */
  stderr: string;
}

const MARK = "itertrace-cold-time";

/** Runs `deno run ARGS` in a fresh process under /usr/bin/time. */
export async function coldRun(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; stdout?: boolean } = {},
): Promise<ColdRun> {
  const p = await new Deno.Command("/usr/bin/time", {
    args: ["-f", `${MARK} %e %U %S %M`, Deno.execPath(), "run", ...args],
    cwd: opts.cwd,
    env: opts.env,
    stdout: opts.stdout ? "piped" : "null",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(p.stderr);
  const t = new RegExp(`^${MARK} ([\\d.]+) ([\\d.]+) ([\\d.]+) (\\d+)$`, "m").exec(err);
  if (!t) throw new Error(`deno run ${args.join(" ")}: no time line (exit ${p.code})\n${err}`);
  return {
    wall: Number(t[1]),
    cpu: Number(t[2]) + Number(t[3]),
    mib: Number(t[4]) / 1024,
    code: p.code,
    stdout: opts.stdout ? new TextDecoder().decode(p.stdout) : "",
    stderr: err.replace(t[0], "").trimEnd(),
  };
}

/**
 * Instructions one cold `deno run ARGS` executes, counted by valgrind (cachegrind without cache
 * simulation, all threads) with V8's `--predictable` added to the V8 flags ARGS carry (no
 * concurrent compiler or GC threads: compilation and GC run on the main thread, in the order
 * the program asks for them). The count is the same from run to run within about 1% whatever
 * else the machine is doing, where CPU time on a shared machine varies by a factor of two.
 * Exit statuses 0 and 1 (a replay with findings) count; anything else throws.
 */
export async function countedRun(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<number> {
  const v8 = args.filter((a) => a.startsWith("--v8-flags=")).map((a) => a.slice(11));
  const rest = args.filter((a) => !a.startsWith("--v8-flags="));
  const p = await new Deno.Command("valgrind", {
    args: [
      "--tool=cachegrind",
      "--cache-sim=no",
      "--smc-check=all-non-file",
      "--cachegrind-out-file=/dev/null",
      Deno.execPath(),
      "run",
      `--v8-flags=${["--predictable", ...v8].join(",")}`,
      ...rest,
    ],
    cwd: opts.cwd,
    env: opts.env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(p.stderr);
  const m = /I\s+refs:\s+([\d,]+)/.exec(err);
  if (!m || p.code > 1) {
    throw new Error(`valgrind deno run ${args.join(" ")}: exit ${p.code}\n${err}`);
  }
  return Number(m[1].replaceAll(",", ""));
}

/** The median of a non-empty list. */
export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The 1, 5 and 15 minute load averages (needs --allow-sys=loadavg). */
export const loadAverage = (): string => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");

/**
 * The V8 flags the CLI is launched with as the README documents it (`deno task itertrace`,
 * the same in its `deno install` line): both benchmarks' CLI runs get them too.
 */
export async function cliV8Flags(): Promise<string[]> {
  const deno = new URL("../deno.json", import.meta.url);
  const task = JSON.parse(await Deno.readTextFile(deno)).tasks.itertrace as string;
  return task.split(/\s+/).filter((w) => w.startsWith("--v8-flags="));
}
