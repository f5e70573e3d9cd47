/**
 * `itertrace compare`: one trace in two eras (`--kernel A --kernel B`), or two traces (in one
 * era), step by step. Prints every divergence with both sides' calls and values in replay's
 * notation, marks the first, and compares the summaries; exit 1 when they differ.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { TraceError, UsageError } from "../errors.ts";
import { loadStyles, stepCall } from "../render/text.ts";
import {
  diverge,
  divergenceTally,
  isHoldChange,
  type Side,
  summaryDivergence,
} from "../replay/diverge.ts";
import type { Replay, StepResult } from "../replay/engine.ts";
import { checkKernel } from "./replay.ts";
import { kernelLabel } from "../profile.ts";
import { jsonReplacer, show } from "../render/value.ts";
import { foldPageList } from "../render/fold.ts";
import { mdCompare } from "../render/markdown.ts";

/** The holds outstanding now, as compare compares them: `pin buf[0..1] x2; ref none`. */
function holdsOf(replay: Replay): string {
  return (["pin", "ref"] as const).map((k) => {
    const pages = replay.ledger.outstanding(k).map((h) => replay.mem.pageName(h.pfn));
    return `${k} ${pages.length ? foldPageList(pages.join(" ")) : "none"}`;
  }).join("; ");
}

async function side(
  io: Io,
  file: string,
  kernel: string | undefined,
  label: string,
): Promise<Side> {
  const steps: StepResult[] = [];
  const calls: string[] = [];
  const holds: string[] = [];
  const src = await openTrace(io, file);
  let held = "";
  try {
    const res = await runTrace(src, { kernel }, (st, node, replay) => {
      steps.push(st);
      // the call without its return value, which the divergence shows when it differs
      calls.push(stepCall(st.op, node.args));
      // the holds are listed again only after a step that took or dropped one
      if (!holds.length || st.changes.some(isHoldChange)) held = holdsOf(replay);
      holds.push(held);
    });
    return { label, steps, calls, holds, summary: res.summary };
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    return {
      label,
      steps,
      calls,
      holds,
      summary: undefined,
      error: { message: e.message, step: steps.length },
    };
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
  const divs = diverge(a, b, show);
  const sums = summaryDivergence(a.summary, b.summary);
  const first = divs.find((d) => !d.aspects.includes("path"));
  const differ = !!first || sums.length > 0 || !!a.error !== !!b.error;
  if (o.format === "json") {
    io.stdout(
      JSON.stringify(
        {
          a: { label: a.label, summary: a.summary ?? null, error: a.error ?? null },
          b: { label: b.label, summary: b.summary ?? null, error: b.error ?? null },
          first: first?.index ?? null,
          divergences: divs,
          summary: sums,
        },
        jsonReplacer,
        2,
      ) + "\n",
    );
    return differ ? 1 : 0;
  }
  const verdict = (x: Side) =>
    x.error
      ? `stopped at #${x.error.step}: ${x.error.message}`
      : x.summary
      ? `${x.summary.verdict}; pins acquired ${x.summary.pins.acquired}, outstanding ${x.summary.pins.outstanding}; refs acquired ${x.summary.refs.acquired}, outstanding ${x.summary.refs.outstanding}`
      : "";
  if (o.format === "md") {
    io.stdout(
      mdCompare(traces.join(" "), { a: a.label, b: b.label }, divs, first, {
        a: verdict(a),
        b: verdict(b),
      }, sums),
    );
    return differ ? 1 : 0;
  }
  const s = await loadStyles(io.color);
  const w = Math.max(a.label.length, b.label.length);
  io.stdout(`${s.bold(`itertrace compare ${traces.join(" ")}`)}   (${a.label} vs ${b.label})\n\n`);
  if (!divs.length && !sums.length) {
    io.stdout(" no divergence: every step has the same result, lists, pins and warnings\n");
  }
  for (const d of divs) {
    const mark = d === first ? s.yellow("   <- first divergence") : "";
    const same = d.calls.a === d.calls.b;
    const call = d.calls.a.length > 80 ? `${d.calls.a.slice(0, 77)}...` : d.calls.a;
    io.stdout(
      ` ${s.bold(`#${d.index}`)}  ${s.cyan(same ? call : d.op)}  ${
        s.dim(`(${d.aspects.join(", ")})`)
      }${mark}\n`,
    );
    // two traces may run different ops at one step: each side shows its own
    if (!same) {
      io.stdout(`     ${a.label.padEnd(w)}  ${s.cyan(d.calls.a)}\n`);
      io.stdout(`     ${b.label.padEnd(w)}  ${s.cyan(d.calls.b)}\n`);
    }
    io.stdout(`     ${a.label.padEnd(w)}  ${d.a}\n`);
    io.stdout(`     ${b.label.padEnd(w)}  ${d.b}\n`);
  }
  for (const x of [a, b]) {
    io.stdout(`\n ${s.bold(x.label.padEnd(w))}  ${x.error ? s.red(verdict(x)) : verdict(x)}`);
  }
  io.stdout(
    `\n\n ${divergenceTally(divs, first)}${
      sums.length ? `; summaries differ: ${sums.join(", ")}` : ""
    }\n`,
  );
  return differ ? 1 : 0;
}
