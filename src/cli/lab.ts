/**
 * `itertrace lab [TRACE...]`: the design lab. Without traces it runs the bundled gallery
 * (traces/lab/).
 *
 * @module
 */
import type { Io } from "./io.ts";
import { openTrace } from "./source.ts";
import { collectTraces } from "./collect.ts";
import type { LoadedTrace, OpNode } from "../trace/load.ts";
import { TraceError } from "../errors.ts";
import { checkKernel } from "./replay.ts";
import { labJson, labMarkdown, LabSetupError, labSummary, labText, runLab } from "../lab/mod.ts";

/** Where the bundled gallery lives. */
export function labGalleryPath(): string {
  return new URL("../../traces/lab/", import.meta.url).pathname;
}

/** Options of `lab`. */
export interface LabOpts {
  format: string;
  kernel?: string;
}

/** Runs `lab`; returns the exit code. */
export async function labCommand(io: Io, paths: readonly string[], opts: LabOpts): Promise<number> {
  checkKernel(opts.kernel);
  const files = await collectTraces(io, paths.length ? paths : [labGalleryPath()]);
  if (!files.length) {
    io.stderr("error: no traces found\n");
    return 2;
  }
  const traces: LoadedTrace[] = [];
  for (const file of files) {
    const src = await openTrace(io, file);
    const ops: OpNode[] = [];
    for await (const op of src.ops as AsyncIterable<OpNode>) ops.push(op);
    // the gallery is named as the repository names it, wherever itertrace is installed
    const shown = file.startsWith(labGalleryPath())
      ? `traces/lab/${file.slice(labGalleryPath().length)}`
      : file;
    traces.push({ ...src.header, file: shown, ops });
  }
  let rep;
  try {
    rep = runLab(traces, { kernel: opts.kernel });
  } catch (e) {
    if (e instanceof LabSetupError) {
      throw new TraceError([{ file: e.file, line: e.line, column: 1, message: e.message }]);
    }
    throw e;
  }
  if (!rep.rows.length) {
    io.stderr(
      "error: no conversions found: the lab looks for netfs_extract_user_iter, bio_iov_iter_get_pages, iov_iter_get_pages*/extract_pages, extract_iter_to_sg and smb_extract_iter_to_rdma ops\n",
    );
    return 2;
  }
  const render = { json: labJson, md: labMarkdown, summary: labSummary }[opts.format] ?? labText;
  io.stdout(render(rep));
  return 0;
}
