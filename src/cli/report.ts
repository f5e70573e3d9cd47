/**
 * `itertrace report TRACE -o out.html`: the self-contained HTML report.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { renderReport, type ReportStep } from "../render/html.ts";
import { checkKernel } from "./replay.ts";
import { checkOutput, writeOutput } from "./output.ts";
import { kernelLabel } from "../profile.ts";

/** Runs `report`; returns the exit code. */
export async function reportCommand(
  io: Io,
  file: string,
  o: { output: string; kernel?: string; force?: true },
): Promise<number> {
  checkKernel(o.kernel);
  const out = { inputs: [file], force: o.force === true };
  await checkOutput(io, o.output, out);
  const src = await openTrace(io, file);
  const steps: ReportStep[] = [];
  const res = await runTrace(src, { kernel: o.kernel }, (st, node, replay) => {
    steps.push({ st, args: node.args, state: replay.stateView() });
  });
  const h = src.header.header;
  const html = renderReport(
    {
      name: h.name,
      kernel: kernelLabel(o.kernel ?? h.kernel),
      ...(h.description ? { description: h.description } : {}),
    },
    steps,
    res.summary,
    res.endWarnings,
  );
  await writeOutput(io, o.output, html, out);
  io.stderr(`wrote ${o.output}: ${steps.length} steps\n`);
  return res.failures.length ? 1 : 0;
}
