/**
 * Output files: never one of the inputs, never an existing file unless the user said
 * `--force`, and always written whole (Io.writeTextFile writes a temporary file and renames
 * it), so a failed or interrupted run leaves the old file as it was.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { FileError } from "../errors.ts";

/** What an output may replace. */
export interface OutputOpts {
  /** Files the command reads: the output may be none of them. */
  readonly inputs: readonly string[];
  /** Replace an existing output. */
  readonly force?: boolean;
}

/**
 * Checks, before any work is done, that `out` can be written: not an input, not a
 * directory, not an existing file without `force`, in a directory that exists.
 */
export async function checkOutput(io: Io, out: string, o: OutputOpts): Promise<void> {
  const st = await io.stat(out);
  if (st?.kind === "dir") {
    throw new FileError(out, "is a directory; give a file name for the output");
  }
  if (st) {
    const real = await io.realPath(out);
    for (const input of o.inputs) {
      if (real !== undefined && (await io.realPath(input)) === real) {
        throw new FileError(out, `is also the input ${input}; choose another output file`);
      }
    }
    if (st.kind === "file" && !o.force) {
      throw new FileError(out, "already exists; use --force to replace it");
    }
    return;
  }
  const slash = out.lastIndexOf("/");
  if (slash > 0) {
    const dir = out.slice(0, slash);
    const d = await io.stat(dir);
    if (!d) throw new FileError(out, `cannot write: the directory ${dir} does not exist`);
    if (d.kind !== "dir") throw new FileError(out, `cannot write: ${dir} is not a directory`);
  }
}

/** Checks `out` (see checkOutput) and writes `text` to it. */
export async function writeOutput(io: Io, out: string, text: string, o: OutputOpts): Promise<void> {
  await checkOutput(io, out, o);
  await io.writeTextFile(out, text);
}
