/**
 * `deno task bench`: the honest benchmark of issue 12. For each size it generates the
 * realistic mixed workload (bench/workload.ts), then, in the same run and interleaved, times
 *
 * - `parse`: a cold process streaming the file line by line through JSON.parse
 *   (bench/parse_lines.ts), the baseline;
 * - `parse-sync`: the same, reading the file as itertrace does (synchronous 64 KiB reads,
 *   which wait less than FsFile.readable): the stricter baseline, whose ratios are printed
 *   after the rows;
 * - `replay -q` and `validate`: cold CLI processes, as a user runs them (main.ts, with the V8
 *   flags of `deno task itertrace` and the README's install line);
 * - `replay yaml`: `replay -q` of the same ops written as a block-style YAML trace (where it
 *   fits the YAML file limit), and its cost per op against JSON Lines', each less the cold
 *   start-up (`start-up`: the replay of a 1-op trace);
 * - warm: the same parse and `replay -q` again inside this process (after one warm-up).
 *
 * Cold runs go through /usr/bin/time -v for wall time, CPU time (user + sys) and peak RSS.
 * Each measurement is repeated (--repeat, default 3) and the median reported, with the ratio
 * to the baseline and the load average. It measures; it never asserts.
 *
 * `--instructions` counts instead of timing (bench/_cold.ts countedRun: valgrind, V8
 * `--predictable`): one run of each, the instructions executed and their ratio to the
 * baselines'. The counts do not move with the machine's load, so two versions can be compared
 * on a shared machine; a cold 10^5-op replay takes about three minutes under valgrind.
 *
 * `deno task bench [--ops 100000,1000000] [--repeat 3] [--seed 1] [--dir /tmp/itertrace-bench]
 *                  [--no-warm] [--instructions]`
 *
 * @module
 */
import { writeWorkload } from "./workload.ts";
import { parseLines } from "./parse_lines.ts";
import { runCli } from "../src/cli/mod.ts";
import { limit } from "../src/limits.ts";
import { denoIo } from "../src/cli/io.ts";
import { cliV8Flags, type ColdRun, coldRun, countedRun, loadAverage, median } from "./_cold.ts";

const root = new URL("..", import.meta.url).pathname;
const cliFlags = await cliV8Flags();
const arg = (name: string, def: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : def;
};
const sizes = arg("--ops", "100000,1000000").split(",").map(Number);
const repeat = Number(arg("--repeat", "3"));
const seed = Number(arg("--seed", "1"));
const dir = arg("--dir", "/tmp/itertrace-bench");
const skipWarm = Deno.args.includes("--no-warm");
const instructions = Deno.args.includes("--instructions");
await Deno.mkdir(dir, { recursive: true });
/** A 1-op workload: its cold replay is the start-up taken out of the per-op YAML ratio. */
const startFile = `${dir}/workload-1-${seed}.jsonl`;
await writeWorkload(startFile, 1, seed);

/** A cold run under /usr/bin/time, failing unless it exits 0. */
async function cold(args: string[]): Promise<ColdRun> {
  const r = await coldRun(args, { cwd: root, stdout: true });
  if (r.code !== 0) {
    throw new Error(`${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

const f2 = (x: number) => x.toFixed(2);

const quietIo = { ...denoIo(), stdout: () => {}, stderr: () => {} };

async function warm(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const results: Record<string, unknown>[] = [];
console.log(
  `itertrace bench: ${Deno.build.target}, deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cpus, load ${loadAverage()}`,
);
for (const ops of sizes) {
  const file = `${dir}/workload-${ops}-${seed}.jsonl`;
  const st = await writeWorkload(file, ops, seed);
  console.log(
    `\n${ops} ops (${file}): ${st.ios} I/Os (${st.dio} O_DIRECT, ${st.kvec} KVEC->sg, ${st.bvec} BVEC->SGE), ` +
      `${f2(st.segments / st.dio)} segments and ${f2(st.pages / st.dio)} pages per O_DIRECT I/O`,
  );
  if (instructions) {
    await counts(file, ops);
    continue;
  }
  // the same ops as a block-style YAML trace, where it fits the YAML file limit
  // (its text is about 1.2 times the JSON Lines': a trace surely beyond the limit is not written)
  const yamlFile = file.replace(/\.jsonl$/, ".yaml");
  const fits = (await Deno.stat(file)).size <= limit("file_bytes");
  if (fits) await writeWorkload(yamlFile, ops, seed);
  const yaml = fits && (await Deno.stat(yamlFile)).size <= limit("file_bytes");
  if (!yaml) console.log(`  (the YAML trace is beyond file_bytes: not replayed)`);
  const rows: Record<string, ColdRun[]> = {
    parse: [],
    "parse-sync": [],
    replay: [],
    validate: [],
    ...(yaml ? { "replay yaml": [], "start-up": [] } : {}),
  };
  const warmRows: Record<string, number[]> = { parse: [], replay: [] };
  const loads: string[] = [];
  for (let r = 0; r < repeat; r++) {
    loads.push(loadAverage());
    rows.parse.push(await cold(["--allow-read", "bench/parse_lines.ts", file]));
    rows["parse-sync"].push(await cold(["--allow-read", "bench/parse_lines.ts", "--sync", file]));
    const cli = [...cliFlags, "--allow-read", "--allow-env", "main.ts"];
    rows.replay.push(await cold([...cli, "replay", "-q", file]));
    rows.validate.push(await cold([...cli, "validate", file]));
    if (yaml) {
      rows["replay yaml"].push(await cold([...cli, "replay", "-q", yamlFile]));
      rows["start-up"].push(await cold([...cli, "replay", "-q", startFile]));
    }
  }
  if (!skipWarm) {
    await parseLines(file);
    await runCli(["replay", "-q", file], quietIo);
    for (let r = 0; r < repeat; r++) {
      warmRows.parse.push(await warm(() => parseLines(file)));
      warmRows.replay.push(await warm(() => runCli(["replay", "-q", file], quietIo)));
    }
  }
  const base = {
    wall: median(rows.parse.map((c) => c.wall)),
    cpu: median(rows.parse.map((c) => c.cpu)),
  };
  for (const [what, cs] of Object.entries(rows)) {
    const wall = median(cs.map((c) => c.wall)), cpu = median(cs.map((c) => c.cpu));
    const rss = median(cs.map((c) => c.mib));
    const row = {
      ops,
      what: `${what} (cold)`,
      wall_s: wall,
      cpu_s: cpu,
      wall_ratio: wall / base.wall,
      cpu_ratio: cpu / base.cpu,
      peak_rss_mib: rss,
      runs: cs.map((c) => `${f2(c.wall)}s/${f2(c.cpu)}s/${c.mib.toFixed(0)}M`).join(" "),
    };
    results.push(row);
    console.log(
      `  ${row.what.padEnd(18)} wall ${f2(wall).padStart(7)} s (x${f2(row.wall_ratio)})  ` +
        `cpu ${f2(cpu).padStart(7)} s (x${f2(row.cpu_ratio)})  peak ${
          rss.toFixed(0)
        } MiB   [${row.runs}]`,
    );
  }
  const strict = {
    wall: median(rows["parse-sync"].map((c) => c.wall)),
    cpu: median(rows["parse-sync"].map((c) => c.cpu)),
  };
  for (const what of ["replay", "validate"]) {
    const wall = median(rows[what].map((c) => c.wall)), cpu = median(rows[what].map((c) => c.cpu));
    console.log(
      `  ${`${what} / parse-sync`.padEnd(18)} wall x${f2(wall / strict.wall)}  cpu x${
        f2(cpu / strict.cpu)
      }`,
    );
  }
  if (yaml) {
    // per op: each whole run less a cold start-up (the replay of a 1-op trace)
    const m = (what: string, k: "wall" | "cpu") => median(rows[what].map((c) => c[k]));
    const per = (k: "wall" | "cpu") =>
      (m("replay yaml", k) - m("start-up", k)) / (m("replay", k) - m("start-up", k));
    console.log(
      `  ${"yaml / jsonl".padEnd(18)} per op, start-up left out: wall x${f2(per("wall"))}  cpu x${
        f2(per("cpu"))
      }`,
    );
  }
  if (!skipWarm) {
    const wp = median(warmRows.parse);
    for (const [what, ts] of Object.entries(warmRows)) {
      const t = median(ts);
      results.push({ ops, what: `${what} (warm)`, wall_s: t, wall_ratio: t / wp });
      console.log(
        `  ${`${what} (warm)`.padEnd(18)} wall ${f2(t).padStart(7)} s (x${f2(t / wp)})   [${
          ts.map(f2).join(" ")
        }]`,
      );
    }
  }
  console.log(`  load average at each repetition: ${loads.join(" | ")}`);
}
if (sizes.length > 1 && !instructions) {
  const by = (ops: number, what: string) =>
    results.find((r) => r.ops === ops && r.what === what) as { cpu_s: number; wall_s: number };
  const [a, b] = [sizes[0], sizes[sizes.length - 1]];
  const k = b / a;
  for (const what of ["replay (cold)", "validate (cold)"]) {
    console.log(
      `\n${what}: ${k}x ops took ${f2(by(b, what).cpu_s / by(a, what).cpu_s)}x cpu, ` +
        `${f2(by(b, what).wall_s / by(a, what).wall_s)}x wall`,
    );
  }
}
if (Deno.args.includes("--json")) console.log(JSON.stringify(results));

/** The `--instructions` rows of one size: each command counted once, with its ratios. */
async function counts(file: string, ops: number): Promise<void> {
  const cli = [...cliFlags, "--allow-read", "--allow-env", "main.ts"];
  const n: Record<string, number> = {};
  n.parse = await countedRun(["--allow-read", "bench/parse_lines.ts", file], { cwd: root });
  n["parse-sync"] = await countedRun(["--allow-read", "bench/parse_lines.ts", "--sync", file], {
    cwd: root,
  });
  n.replay = await countedRun([...cli, "replay", "-q", file], { cwd: root });
  n.validate = await countedRun([...cli, "validate", file], { cwd: root });
  for (const [what, c] of Object.entries(n)) {
    results.push({
      ops,
      what: `${what} (instructions)`,
      instructions: c,
      ratio: c / n.parse,
      ratio_sync: c / n["parse-sync"],
    });
    console.log(
      `  ${what.padEnd(18)} ${(c / 1e9).toFixed(3).padStart(8)} G instructions  ` +
        `(x${f2(c / n.parse)} parse, x${f2(c / n["parse-sync"])} parse-sync)`,
    );
  }
}
