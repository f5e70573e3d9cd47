/**
 * `itertrace compare`: one trace in two eras (`--kernel A --kernel B`), or two traces (in one
 * era), step by step. Prints the first divergence and every one after it; exit 1 when they
 * differ.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { TraceError, UsageError } from "../errors.ts";
import { styles } from "../render/text.ts";
import { diverge, type Side } from "../replay/diverge.ts";
import type { StepResult } from "../replay/engine.ts";
import { checkKernel } from "./replay.ts";
import { kernelLabel } from "../profile.ts";
import { jsonReplacer } from "../render/value.ts";

async function side(
  io: Io,
  file: string,
  kernel: string | undefined,
  label: string,
): Promise<Side> {
  const steps: StepResult[] = [];
  const src = await openTrace(io, file);
  try {
    const res = await runTrace(src, { kernel }, (st) => steps.push(st));
    return { label, steps, summary: res.summary };
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return { label, steps, summary: undefined, error: { message: e.message, step: steps.length } };
  }
}

/** Runs `compare`; returns the exit code. */
export async function compareCommand(
  io: Io,
  traces: readonly string[],
  o: { kernel?: string[]; format: string },
): Promise<number> {
  const kernels = o.kernel ?? [];
  kernels.forEach(checkKernel);
  let a: Side, b: Side;
  if (traces.length === 1) {
    if (kernels.length !== 2) {
      throw new UsageError("compare one trace with two eras: --kernel A --kernel B");
    }
    a = await side(io, traces[0], kernels[0], kernelLabel(kernels[0]));
    b = await side(io, traces[0], kernels[1], kernelLabel(kernels[1]));
  } else if (traces.length === 2) {
    if (kernels.length > 1) {
      throw new UsageError("compare two traces in one era: at most one --kernel");
    }
    a = await side(io, traces[0], kernels[0], traces[0]);
    b = await side(io, traces[1], kernels[0], traces[1]);
  } else {
    throw new UsageError("compare takes one trace (with --kernel A --kernel B) or two traces");
  }
  const divs = diverge(a, b);
  const first = divs.find((d) => !d.aspects.includes("path"));
  if (o.format === "json") {
    io.stdout(
      JSON.stringify(
        {
          a: { label: a.label, summary: a.summary ?? null, error: a.error ?? null },
          b: { label: b.label, summary: b.summary ?? null, error: b.error ?? null },
          first: first?.index ?? null,
          divergences: divs,
        },
        jsonReplacer,
        2,
      ) + "\n",
    );
    return first ? 1 : 0;
  }
  const s = styles(io.color);
  const w = Math.max(a.label.length, b.label.length);
  io.stdout(`${s.bold(`itertrace compare ${traces.join(" ")}`)}   (${a.label} vs ${b.label})\n\n`);
  if (!divs.length) {
    io.stdout(" no divergence: every step has the same result, lists, pins and warnings\n");
  }
  divs.forEach((d) => {
    const mark = d === first ? s.yellow("   <- first divergence") : "";
    io.stdout(
      ` ${s.bold(`#${d.index}`)}  ${s.cyan(d.op)}  ${s.dim(`(${d.aspects.join(", ")})`)}${mark}\n`,
    );
    io.stdout(`     ${a.label.padEnd(w)}  ${d.a}\n`);
    io.stdout(`     ${b.label.padEnd(w)}  ${d.b}\n`);
  });
  for (const x of [a, b]) {
    const v = x.summary
      ? `${x.summary.verdict}; pins acquired ${x.summary.pins.acquired}, outstanding ${x.summary.pins.outstanding}`
      : "";
    io.stdout(
      `\n ${s.bold(x.label.padEnd(w))}  ${
        x.error ? s.red(`stopped at #${x.error.step}: ${x.error.message}`) : v
      }`,
    );
  }
  const real = divs.filter((d) => !d.aspects.includes("path")).length;
  io.stdout(
    `\n\n ${real} divergent step${real === 1 ? "" : "s"}${
      first ? `, first at #${first.index} (${first.op})` : ""
    }; ${divs.length - real} era-specific (when:)\n`,
  );
  return first ? 1 : 0;
}
