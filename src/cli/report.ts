/**
 * `itertrace report TRACE -o out.html`: the self-contained HTML report.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { runTrace } from "./run_trace.ts";
import { renderReport } from "../render/html.ts";
import { ReportCollector } from "../render/report_data.ts";
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
  const collect = new ReportCollector();
  const res = await runTrace(src, { kernel: o.kernel }, (st, node, replay) => {
    collect.onStep(st, node, replay);
  });
  const h = src.header.header;
  const data = collect.finish(
    {
      name: h.name,
      kernel: kernelLabel(o.kernel ?? h.kernel),
      file,
      ...(h.description ? { description: h.description } : {}),
    },
    res.summary,
    res.endWarnings,
    res.endFailures,
  );
  const html = renderReport(data);
  await writeOutput(io, o.output, html, out);
  io.stderr(`wrote ${o.output}: ${data.steps.length} steps, ${html.length} bytes\n`);
  return res.failures.length ? 1 : 0;
}
