/**
 * Runs one torture case in a child process, from outside: a fresh folder, `deno run main.ts`
 * under /usr/bin/time (peak RSS of the whole run), a 20 s clock and a memory watchdog that
 * reads the child's VmHWM, and a hash of every file before and after. Judges the run:
 * crash (exit outside 0/1/2, a stack trace, an internal error, a signal), hang, memory above
 * 1 GiB, an unpositioned error where the input has positions, data loss (an input changed).
 *
 * @module
 */
import type { PositionRule, TortureCase } from "./case.ts";

/** What went wrong in a run. */
export type Verdict =
  | "crash"
  | "hang"
  | "memory"
  | "unpositioned"
  | "data_loss"
  /** An importer wrote a trace that validate rejects. */
  | "own_output_rejected";

/** A run's result. */
export interface Outcome {
  readonly id: string;
  readonly argv: readonly string[];
  readonly exit: number | undefined;
  readonly ms: number;
  /** CPU seconds of the run(s). */
  readonly cpu: number;
  readonly rssKiB: number;
  readonly verdicts: readonly Verdict[];
  /** Why, one line per verdict. */
  readonly why: readonly string[];
  readonly stderr: string;
  readonly dir: string;
}

/**
 * Limits of the criterion. A hang is 20 s of CPU time: on a machine shared with other work a
 * run can wait far longer than that for a core, so wall time alone would call a busy machine
 * a hang; a run blocked without using CPU (a FIFO opened for reading) is caught by WALL_MS.
 */
export const HANG_MS = 20_000;
export const WALL_MS = 90_000;
export const MEMORY_KIB = 1024 * 1024;
/** The watchdog kills a run past this, to spare a shared machine (still judged "memory"). */
const KILL_KIB = 3 * 1024 * 1024;
/** Output kept per stream; the rest is read and dropped. */
const KEEP = 64 * 1024;

/** Messages about a whole file, which have no line:column to give. */
const FILE_LEVEL =
  /is binary|gzip|compressed|UTF-16|UTF-32|UTF-8|encod|cannot read|cannot open|is a directory|not a regular file|is empty|empty (JSON Lines )?trace|no such file|not found|limited to \d+ bytes|too large|permission denied|FIFO|device|socket/i;

const CRASH =
  /internal error|\n\s+at \S.*:\d+:\d+|error: Uncaught|panicked at|Maximum call stack|Stack backtrace/;

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120);
}

async function prepare(c: TortureCase, dir: string): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [path, text] of Object.entries(c.files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  const immutable: string[] = [];
  for (const s of c.setup ?? []) {
    if ("mkdir" in s) await Deno.mkdir(`${dir}/${s.mkdir}`, { recursive: true });
    else if ("fifo" in s) await sh("mkfifo", [`${dir}/${s.fifo}`]);
    else if ("symlink" in s) await Deno.symlink(s.to, `${dir}/${s.symlink}`);
    else if ("hardlink" in s) await Deno.link(`${dir}/${s.to}`, `${dir}/${s.hardlink}`);
    else if ("bytes" in s) await Deno.writeFile(`${dir}/${s.bytes}`, s.data);
    else if ("immutable" in s) {
      await sh("chattr", ["+i", `${dir}/${s.immutable}`]);
      immutable.push(`${dir}/${s.immutable}`);
    }
  }
  return immutable;
}

async function sh(cmd: string, args: string[]): Promise<void> {
  const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (!r.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
  }
}

/** Every regular file under `dir` (symlinks not followed) and its SHA-256. */
async function snapshot(dir: string, rel = ""): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(`${dir}/${rel}`)) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) {
      for (const [k, v] of await snapshot(dir, p)) out.set(k, v);
    } else if (e.isFile) {
      const data = await Deno.readFile(`${dir}/${p}`);
      const h = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
      out.set(p, Array.from(h, (b) => b.toString(16).padStart(2, "0")).join(""));
    }
  }
  return out;
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  const kept: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of stream) {
    if (n < KEEP) {
      kept.push(chunk.subarray(0, KEEP - n));
      n += Math.min(chunk.length, KEEP - n);
    }
  }
  const all = new Uint8Array(n);
  let o = 0;
  for (const k of kept) all.set(k, o), o += k.length;
  return new TextDecoder().decode(all);
}

function childPid(parent: number): number | undefined {
  try {
    const s = Deno.readTextFileSync(`/proc/${parent}/task/${parent}/children`).trim();
    return s ? Number(s.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the process has used, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function hwmKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Judges the error lines of an exit-2 run against the position rule. */
export function positionProblems(
  rule: PositionRule,
  input: string | undefined,
  exit: number | undefined,
  stderr: string,
): string[] {
  if (rule === "none" || input === undefined) return [];
  if (rule === "required" && exit !== 2) return [`expected exit 2 with a position, got ${exit}`];
  if (exit !== 2) return [];
  const out: string[] = [];
  let positioned = 0;
  for (const line of stderr.split("\n")) {
    if (!line.trim()) continue;
    if (line.startsWith(`${input}:`) && /^:\d+:\d+: /.test(line.slice(input.length))) {
      positioned++;
      continue;
    }
    const fileLevel = line.startsWith(`${input}: `) || line.startsWith(`error: ${input}: `);
    if (fileLevel && FILE_LEVEL.test(line)) continue;
    if (/^\s/.test(line)) continue; // a continuation or hint under a positioned line
    out.push(`no line:column: ${line.slice(0, 200)}`);
  }
  if (rule === "required" && !positioned) out.push("no positioned line at all");
  return out;
}

interface Spawned {
  readonly exit: number;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
  /** CPU seconds, as last sampled. */
  readonly cpu: number;
  readonly rssKiB: number;
  readonly killedFor: "hang" | "memory" | undefined;
}

/** GNU time, for the peak RSS of a whole run; without it the watchdog's samples are all. */
const TIME = "/usr/bin/time";
let haveTime: boolean | undefined;
function timeAvailable(): boolean {
  if (haveTime === undefined) {
    try {
      haveTime = Deno.statSync(TIME).isFile;
    } catch {
      haveTime = false;
    }
  }
  return haveTime;
}

/**
 * Runs `main.ts argv` in `dir` under /usr/bin/time, the clock and the memory watchdog. Where
 * /usr/bin/time is missing (a fresh CI machine), deno runs directly and its peak RSS is the
 * watchdog's last reading of VmHWM (a high-water mark, so a peak is missed only when the run
 * ends within one 100 ms tick of it).
 */
async function spawnOne(
  repo: string,
  argv: readonly string[],
  dir: string,
  env: Readonly<Record<string, string>> | undefined,
  rssFile: string,
): Promise<Spawned> {
  const t0 = performance.now();
  const timed = timeAvailable();
  const deno = [
    Deno.execPath(),
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    `${repo}/main.ts`,
    ...argv,
  ];
  const child = new Deno.Command(timed ? TIME : deno[0], {
    args: timed ? ["-f", "%M %U %S", "-o", rssFile, ...deno] : deno.slice(1),
    cwd: dir,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killedFor: "hang" | "memory" | undefined;
  let peak = 0, cpu = 0;
  const watch = setInterval(() => {
    const pid = timed ? childPid(child.pid) : child.pid;
    if (pid === undefined) return;
    peak = Math.max(peak, hwmKiB(pid));
    cpu = Math.max(cpu, cpuSeconds(pid));
    const late = cpu * 1000 > HANG_MS || performance.now() - t0 > WALL_MS;
    if (late || peak > KILL_KIB) {
      killedFor ??= late ? "hang" : "memory";
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* already gone */ }
    }
  }, 100);
  const [out, err, status] = await Promise.all([
    drain(child.stdout),
    drain(child.stderr),
    child.status,
  ]);
  clearInterval(watch);
  const ms = performance.now() - t0;
  let rssKiB = peak;
  try {
    const lines = (await Deno.readTextFile(rssFile)).trim().split("\n");
    const [kib, user, sys] = lines[lines.length - 1].split(" ").map(Number);
    rssKiB = Math.max(rssKiB, kib || 0);
    cpu = Math.max(cpu, (user || 0) + (sys || 0));
  } catch { /* no report */ }
  await Deno.remove(rssFile).catch(() => {});
  return { exit: status.code, out, err, ms, cpu, rssKiB, killedFor };
}

/** Runs a case; `repo` holds main.ts; `root` is the scratch folder. */
export async function runCase(
  c: TortureCase,
  repo: string,
  root: string,
  keep: boolean,
): Promise<Outcome> {
  const dir = `${root}/${safeName(c.id)}`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const immutable = await prepare(c, dir);
  const before = await snapshot(dir);
  const rssFile = `${root}/${safeName(c.id)}.rss`;
  const runs = [await spawnOne(repo, c.argv, dir, c.env, rssFile)];
  if (c.then && runs[0].exit === 0 && !runs[0].killedFor) {
    runs.push(await spawnOne(repo, c.then, dir, c.env, rssFile));
  }
  for (const p of immutable) await sh("chattr", ["-i", p]).catch(() => {});
  const verdicts: Verdict[] = [], why: string[] = [];
  const flag = (v: Verdict, w: string) => {
    if (!verdicts.includes(v)) verdicts.push(v);
    why.push(`${v}: ${w}`);
  };
  for (const [i, r] of runs.entries()) {
    const what = i ? `then ${c.then!.join(" ")}: ` : "";
    if (r.killedFor === "hang") {
      flag(
        "hang",
        `${what}still running after ${r.cpu.toFixed(1)} s of CPU, ${
          (r.ms / 1000).toFixed(0)
        } s wall`,
      );
    }
    if (r.killedFor === "memory" || r.rssKiB > MEMORY_KIB) {
      flag("memory", `${what}peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB`);
    }
    if (!r.killedFor && ![0, 1, 2].includes(r.exit)) flag("crash", `${what}exit ${r.exit}`);
    const crash = CRASH.exec(r.err) ?? CRASH.exec(r.out);
    if (crash) flag("crash", `${what}output shows "${crash[0].trim().slice(0, 80)}"`);
    if (!r.killedFor && i === 0) {
      for (const p of positionProblems(c.pos, c.input, r.exit, r.err)) flag("unpositioned", p);
    }
    // what an importer wrote must be a trace itertrace accepts
    if (i === 1 && r.exit === 2) flag("own_output_rejected", `${what}${r.err.split("\n")[0]}`);
  }
  const after = await snapshot(dir).catch(() => new Map<string, string>());
  for (const [path, hash] of before) {
    if (c.mayChange?.includes(path)) continue;
    const now = after.get(path);
    if (now === undefined) flag("data_loss", `${path} was removed`);
    else if (now !== hash) flag("data_loss", `${path} was changed`);
  }
  if (!keep && !verdicts.length) await Deno.remove(dir, { recursive: true }).catch(() => {});
  return {
    id: c.id,
    argv: c.then ? [...c.argv, "&&", ...c.then] : c.argv,
    exit: runs[0].exit,
    ms: runs.reduce((a, r) => a + r.ms, 0),
    cpu: runs.reduce((a, r) => a + r.cpu, 0),
    rssKiB: Math.max(...runs.map((r) => r.rssKiB)),
    verdicts,
    why,
    stderr: runs.map((r) => r.err).join("\n").slice(0, 2000),
    dir,
  };
}

/** Runs `cases`, `jobs` at a time; calls `done` with each outcome as it comes. */
export async function runPool(
  cases: readonly TortureCase[],
  repo: string,
  root: string,
  opts: { jobs: number; keep: boolean; done?: (o: Outcome, finished: number) => void },
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const o = await runCase(cases[next++], repo, root, opts.keep);
      outcomes.push(o);
      opts.done?.(o, outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  return outcomes;
}

/** A failed outcome as the lines `deno task torture` prints. */
export function failureLines(o: Outcome): string[] {
  return [
    `FAIL ${o.id}  [${o.verdicts.join(", ")}]`,
    `     itertrace ${o.argv.join(" ")}   (in ${o.dir})`,
    ...o.why.map((w) => `     ${w}`),
  ];
}
