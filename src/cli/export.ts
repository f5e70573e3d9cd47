/**
 * `itertrace export kunit TRACE... --kernel ERA [-o FILE] [--random N --seed S]`.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { collectTraces } from "./collect.ts";
import { openTrace } from "./source.ts";
import { UsageError } from "../errors.ts";
import { checkOutput } from "./output.ts";
import type { LoadedTrace, OpNode } from "../trace/load.ts";
import { exportEra, exportKunit } from "../export/kunit.ts";
import type { SkipClass } from "../export/case.ts";
import { randomTraces } from "../export/random.ts";

/** Options of `export kunit`. */
export interface ExportOpts {
  kernel: string;
  output?: string;
  /** Replace an existing -o file. */
  force?: boolean;
  random?: string;
  seed?: string;
}

/** Largest --random count. */
export const MAX_RANDOM = 5000;

/** Runs `export kunit`; returns the exit code. */
export async function exportKunitCommand(
  io: Io,
  paths: readonly string[],
  opts: ExportOpts,
): Promise<number> {
  const kapi = exportEra(opts.kernel);
  if (typeof kapi === "string") throw new UsageError(kapi);
  const random = opts.random === undefined ? 0 : count(opts.random, "--random", MAX_RANDOM);
  const seed = opts.seed === undefined ? 1 : count(opts.seed, "--seed", 0xffffffff);
  if (!paths.length && !random) throw new UsageError("give traces, --random N, or both");
  const files = await collectTraces(io, paths);
  // before any work: -o is never one of the traces, nor an existing file without --force
  if (opts.output) await checkOutput(io, opts.output, { inputs: files, force: opts.force });
  const traces: LoadedTrace[] = [];
  for (const file of files) {
    const src = await openTrace(io, file);
    const ops: OpNode[] = [];
    for await (const op of src.ops as AsyncIterable<OpNode>) ops.push(op);
    traces.push({ ...src.header, ops });
  }
  const generated = randomTraces(random, seed, kapi);
  const x = exportKunit([...traces, ...generated], kapi);
  if (opts.output) await io.writeTextFile(opts.output, x.c);
  else io.stdout(x.c);
  const t = x.totals;
  const fromTraces = x.cases.slice(0, traces.length).filter((c) => c.c !== undefined).length;
  io.stderr(
    `export kunit --kernel ${kapi.era}: ${t.exported} test cases (${fromTraces} of ${traces.length} traces, ${
      t.exported - fromTraces
    } random shapes of ${random}, seed ${seed}), ${t.calls} kernel calls; ${t.skippedOps} ops not run (listed in each case's comment); ${t.unexportable} traces not exported:\n`,
  );
  for (const c of x.cases) {
    if (c.unexportable) io.stderr(`  ${c.file}: ${c.unexportable}\n`);
  }
  const by = (Object.keys(SKIP_CLASS) as SkipClass[]).filter((k) => t.skippedByClass[k]);
  io.stderr(
    `ops not run in exported cases, by reason: ${
      by.length ? by.map((k) => `${t.skippedByClass[k]} ${SKIP_CLASS[k]}`).join(", ") : "none"
    }; ${t.notInEra} ops left out of ${kapi.era} by their trace's when:\n`,
  );
  return 0;
}

/** How the summary names each class of op not run. */
const SKIP_CLASS: Record<SkipClass, string> = {
  marker: "lifecycle markers (no kernel call)",
  hazard: "the model warns of a hazard to the test kernel",
  no_kernel_call: "need what a KUnit kthread lacks (block/RDMA device, netfs, pipe, fork)",
  inexpressible: "state the era's kernel cannot build in a test",
  model_stops: "refused by the model in this era",
  after_end: "after an op that ended the case",
};

function count(v: string, what: string, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n > max) {
    throw new UsageError(`${what} expects an integer from 0 to ${max}, got "${v}"`);
  }
  return n;
}
