/**
 * Cost per page of large extractions, run as a user runs them (`deno task bench-extract`):
 * each trace of bench/extract_trace.ts is written to a temporary file and replayed cold with
 * `itertrace replay -q` in its own process under /usr/bin/time, which reports wall time, CPU
 * time (user + system: the honest figure on a shared machine, where wall time mostly measures
 * the other tenants) and peak RSS. Per-page cost is (t(N) - t(1)) / N against the 1-page run
 * of the same shape, so process start-up and compilation cancel out. Medians of `--runs` runs (default 3). Measures,
 * never asserts.
 *
 *   deno task bench-extract [--shapes sg,pages,rdma] [--pages 1,1000,100000,262144,1048576]
 *                           [--runs 3]
 *
 * @module
 */
import { EXTRACT_SHAPES, type ExtractShape, extractTrace, limitsFor } from "./extract_trace.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function arg(name: string, dflt: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Deno.args[i + 1] : dflt;
}

const shapes = arg("shapes", EXTRACT_SHAPES.join(",")).split(",") as ExtractShape[];
const sizes = arg("pages", "1,1000,100000,262144,1048576").split(",").map(Number);
const runs = Number(arg("runs", "3"));
if (!sizes.includes(1)) sizes.unshift(1);

/** One cold replay: wall and CPU (user + system) seconds, and peak RSS in MiB. */
async function once(
  file: string,
  pages: number,
): Promise<{ wall: number; cpu: number; mib: number }> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "%e %U %S %M",
      Deno.execPath(),
      "run",
      "--allow-read",
      "--allow-env",
      MAIN,
      "replay",
      "-q",
      file,
    ],
    env: { ITERTRACE_LIMITS: limitsFor(pages), NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim().split("\n");
  const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(err[err.length - 1] ?? "");
  if (!m) throw new Error(`${file}: no timing from /usr/bin/time:\n${err.join("\n")}`);
  // exit 1 is a replay with findings; anything else is a failure of the run itself
  if (out.code > 1) throw new Error(`${file}: exit ${out.code}\n${err.join("\n")}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), mib: Number(m[4]) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await Deno.makeTempDir({ prefix: "itertrace-extract-" });
try {
  const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`load average ${load}; median of ${runs} cold runs each`);
  console.log(
    "shape  pages     wall s   cpu s  peak MiB  ns/page above 1 page (cpu)  (wall)",
  );
  for (const shape of shapes) {
    let cpu1 = 0, wall1 = 0;
    for (const pages of sizes) {
      const file = `${dir}/${shape}-${pages}.jsonl`;
      await Deno.writeTextFile(file, extractTrace(shape, pages));
      const rs = [];
      for (let k = 0; k < runs; k++) rs.push(await once(file, pages));
      await Deno.remove(file);
      const wall = median(rs.map((r) => r.wall)), cpu = median(rs.map((r) => r.cpu));
      const mib = median(rs.map((r) => r.mib));
      if (pages === 1) [cpu1, wall1] = [cpu, wall];
      const per = (t: number, t1: number) => pages === 1 ? "" : ((t - t1) / pages * 1e9).toFixed(0);
      console.log(
        [
          shape.padEnd(6),
          String(pages).padEnd(8),
          wall.toFixed(2).padStart(7),
          cpu.toFixed(2).padStart(7),
          mib.toFixed(0).padStart(9),
          per(cpu, cpu1).padStart(27),
          per(wall, wall1).padStart(7),
        ].join(" "),
      );
    }
  }
  const after = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`load average at the end ${after}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
