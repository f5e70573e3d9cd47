/**
 * Cost per page of large extractions, run as a user runs them (`deno task bench-extract`):
 * each trace of bench/extract_trace.ts is written to a temporary file and replayed cold with
 * `itertrace replay -q` in its own process under /usr/bin/time. Reported per size:
 *
 * - wall and CPU (user + system) seconds of the whole process, and its peak RSS;
 * - the CPU time of the replay command itself (bench/_replay_timed.ts: after the modules are
 *   loaded), which leaves out start-up;
 * - cost per page, (t(N) - t(1)) / N against the 1-page run of the same shape, from the
 *   replay CPU time (the honest figure on a shared machine, where wall time mostly measures
 *   the other tenants) and from the wall time.
 *
 * Medians of `--runs` runs (default 3). The replays get the V8 flags of `deno task itertrace`
 * (the CLI as the README installs it). Measures, never asserts.
 *
 * `--instructions` counts instead of timing: each replay runs under valgrind (cachegrind
 * without cache simulation) with V8's `--predictable` (no concurrent compiler or GC threads),
 * and the report is the instructions executed (all of them, start-up, compilation and GC
 * included) and their growth per page above the 1-page run. The count is the same from run
 * to run within about 1%, whatever else the machine is doing, where CPU time on a shared
 * machine varies by a factor of two; a cold replay takes about 30 s under valgrind.
 *
 *   deno task bench-extract [--shapes sg,pages,rdma] [--pages 1,1000,100000,262144,1048576]
 *                           [--runs 3] [--instructions]
 *
 * @module
 */
import { cliV8Flags, coldRun, countedRun, loadAverage, median } from "./_cold.ts";
import { EXTRACT_SHAPES, type ExtractShape, extractTrace, limitsFor } from "./extract_trace.ts";

const TIMED = new URL("./_replay_timed.ts", import.meta.url).pathname;
/** The V8 flags `deno task itertrace` runs the CLI with (and the README's install line). */
const cliFlags = await cliV8Flags();

function arg(name: string, dflt: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Deno.args[i + 1] : dflt;
}

const shapes = arg("shapes", EXTRACT_SHAPES.join(",")).split(",") as ExtractShape[];
const sizes = arg("pages", "1,1000,100000,262144,1048576").split(",").map(Number);
const runs = Number(arg("runs", "3"));
const instructions = Deno.args.includes("--instructions");
if (!sizes.includes(1)) sizes.unshift(1);

interface Run {
  /** Whole process: wall and CPU seconds, peak RSS in MiB. */
  wall: number;
  cpu: number;
  mib: number;
  /** CPU seconds of the replay command alone. */
  replay: number;
}

/** One cold replay. */
async function once(file: string, pages: number): Promise<Run> {
  const r = await coldRun(
    ["--allow-read", "--allow-env", ...cliFlags, TIMED, "replay", "-q", file],
    {
      env: { ITERTRACE_LIMITS: limitsFor(pages), NO_COLOR: "1" },
    },
  );
  const cpu = /^replay-cpu-us (\d+)$/m.exec(r.stderr);
  // exit 1 is a replay with findings; anything else is a failure of the run itself
  if (!cpu || r.code > 1) throw new Error(`${file}: exit ${r.code}\n${r.stderr}`);
  return { wall: r.wall, cpu: r.cpu, mib: r.mib, replay: Number(cpu[1]) / 1e6 };
}

/** Instructions of one cold replay (countedRun: valgrind, V8 --predictable). */
function counted(file: string, pages: number): Promise<number> {
  return countedRun(
    ["--allow-read", "--allow-env", ...cliFlags, TIMED, "replay", "-q", file],
    { env: { ITERTRACE_LIMITS: limitsFor(pages), NO_COLOR: "1" } },
  );
}

const dir = await Deno.makeTempDir({ prefix: "itertrace-extract-" });

/** `measure` of the trace of `shape` and `pages`, `--runs` times, the trace file written once. */
async function eachRun<T>(
  shape: ExtractShape,
  pages: number,
  measure: (file: string, pages: number) => Promise<T>,
): Promise<T[]> {
  const file = `${dir}/${shape}-${pages}.jsonl`;
  await Deno.writeTextFile(file, extractTrace(shape, pages));
  const out: T[] = [];
  for (let k = 0; k < runs; k++) out.push(await measure(file, pages));
  await Deno.remove(file);
  return out;
}

try {
  if (instructions) {
    console.log(`instructions of one cold replay (valgrind, V8 --predictable), median of ${runs}`);
    console.log("shape  pages     instructions  per page above 1 page");
    for (const shape of shapes) {
      let first = 0;
      for (const pages of sizes) {
        const n = median(await eachRun(shape, pages, counted));
        if (pages === 1) first = n;
        const per = pages === 1 ? "" : ((n - first) / pages).toFixed(0);
        console.log(
          [shape.padEnd(6), String(pages).padEnd(8), String(n).padStart(13), per.padStart(22)]
            .join(" "),
        );
      }
    }
  } else await timed();
} finally {
  await Deno.remove(dir, { recursive: true });
}

/** The timed benchmark: cold replays under /usr/bin/time. */
async function timed(): Promise<void> {
  console.log(`load average ${loadAverage()}; median of ${runs} cold runs each`);
  console.log(
    "shape  pages     wall s  cpu s  peak MiB  replay cpu s  ns/page (replay cpu)  (wall)",
  );
  for (const shape of shapes) {
    let first: Run | undefined;
    for (const pages of sizes) {
      const rs = await eachRun(shape, pages, once);
      const m: Run = {
        wall: median(rs.map((r) => r.wall)),
        cpu: median(rs.map((r) => r.cpu)),
        mib: median(rs.map((r) => r.mib)),
        replay: median(rs.map((r) => r.replay)),
      };
      if (pages === 1) first = m;
      const per = (k: "replay" | "wall") =>
        pages === 1 || !first ? "" : ((m[k] - first[k]) / pages * 1e9).toFixed(0);
      console.log(
        [
          shape.padEnd(6),
          String(pages).padEnd(8),
          m.wall.toFixed(2).padStart(7),
          m.cpu.toFixed(2).padStart(6),
          m.mib.toFixed(0).padStart(9),
          m.replay.toFixed(3).padStart(13),
          per("replay").padStart(21),
          per("wall").padStart(7),
        ].join(" "),
      );
    }
  }
  console.log(`load average at the end ${loadAverage()}`);
}
