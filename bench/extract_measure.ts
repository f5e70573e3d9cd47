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
 * Medians of `--runs` runs (default 3). Measures, never asserts.
 *
 *   deno task bench-extract [--shapes sg,pages,rdma] [--pages 1,1000,100000,262144,1048576]
 *                           [--runs 3]
 *
 * @module
 */
import { coldRun, loadAverage, median } from "./_cold.ts";
import { EXTRACT_SHAPES, type ExtractShape, extractTrace, limitsFor } from "./extract_trace.ts";

const TIMED = new URL("./_replay_timed.ts", import.meta.url).pathname;

function arg(name: string, dflt: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Deno.args[i + 1] : dflt;
}

const shapes = arg("shapes", EXTRACT_SHAPES.join(",")).split(",") as ExtractShape[];
const sizes = arg("pages", "1,1000,100000,262144,1048576").split(",").map(Number);
const runs = Number(arg("runs", "3"));
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
  const r = await coldRun(["--allow-read", "--allow-env", TIMED, "replay", "-q", file], {
    env: { ITERTRACE_LIMITS: limitsFor(pages), NO_COLOR: "1" },
  });
  const cpu = /^replay-cpu-us (\d+)$/m.exec(r.stderr);
  // exit 1 is a replay with findings; anything else is a failure of the run itself
  if (!cpu || r.code > 1) throw new Error(`${file}: exit ${r.code}\n${r.stderr}`);
  return { wall: r.wall, cpu: r.cpu, mib: r.mib, replay: Number(cpu[1]) / 1e6 };
}

const dir = await Deno.makeTempDir({ prefix: "itertrace-extract-" });
try {
  console.log(`load average ${loadAverage()}; median of ${runs} cold runs each`);
  console.log(
    "shape  pages     wall s  cpu s  peak MiB  replay cpu s  ns/page (replay cpu)  (wall)",
  );
  for (const shape of shapes) {
    let first: Run | undefined;
    for (const pages of sizes) {
      const file = `${dir}/${shape}-${pages}.jsonl`;
      await Deno.writeTextFile(file, extractTrace(shape, pages));
      const rs: Run[] = [];
      for (let k = 0; k < runs; k++) rs.push(await once(file, pages));
      await Deno.remove(file);
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
} finally {
  await Deno.remove(dir, { recursive: true });
}
