/**
 * `itertrace import bpftrace|strace|syz FILE`: a captured workload (or a syzkaller program) to
 * a trace. Every captured
 * call is either modelled or listed with the reason it was left out, on stderr and in the
 * trace's description; an import that models nothing says so and exits 1.
 *
 * @module
 */
import { stringify } from "yaml";
import { fileLines, type Io, type Output } from "./io.ts";
import { TraceError, UsageError } from "../errors.ts";
import { parseBpftrace } from "../import/bpftrace.ts";
import { parseStrace } from "../import/strace.ts";
import { parseSyzProgram } from "../import/syz.ts";
import type { ImportPath } from "../import/to_trace.ts";
import { emitOps, header, type ImportOptions, plan } from "../import/run.ts";
import type { Call } from "../import/capture.ts";
import { checkOpItems, loadDocument } from "../trace/load.ts";
import { checkKernel } from "./replay.ts";

/** Options of `import`. */
export interface ImportOpts {
  path: string;
  kernel: string;
  fd?: string;
  pid?: string;
  comm?: string;
  file?: string;
  assumeDirect?: true;
  contiguous?: true;
  all?: true;
  format: string;
  output?: string;
  force?: true;
  name?: string;
}

function intOpt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(v)) throw new UsageError(`invalid ${what} "${v}": expected an integer`);
  return Number(v);
}

/** Runs `import`; returns the exit code. */
export async function importCommand(
  io: Io,
  kind: string,
  file: string,
  o: ImportOpts,
): Promise<number> {
  checkKernel(o.kernel);
  const what = (await io.stat(file))?.kind;
  if (what === undefined) {
    throw new TraceError([{ file, line: 1, column: 1, message: "no such file" }]);
  }
  if (what !== "file") {
    throw new UsageError(
      `${file}: not a regular file (${what === "dir" ? "a directory" : "a FIFO or device"})`,
    );
  }
  if (o.output) {
    const [inReal, outReal] = [await io.realPath(file), await io.realPath(o.output)];
    if (outReal !== undefined && outReal === inReal) {
      throw new UsageError(
        `-o ${o.output} is the capture being imported: refusing to overwrite it`,
      );
    }
    const outKind = (await io.stat(o.output))?.kind;
    if (outKind === "dir") throw new UsageError(`-o ${o.output}: is a directory`);
    if (outKind !== undefined && !o.force) {
      throw new UsageError(`-o ${o.output} exists: pass --force to replace it`);
    }
  }
  const base = file.split("/").pop()!.replace(/\.[^.]*$/, "").replace(/[^\w.+@=,-]/g, "_");
  const opts: ImportOptions = {
    name: o.name ?? `import-${base}`,
    kernel: o.kernel,
    path: o.path as ImportPath,
    source: kind === "strace" ? "strace" : kind === "syz" ? "syzkaller" : "bpftrace",
    ...(o.fd !== undefined ? { fd: intOpt(o.fd, "--fd") } : {}),
    ...(o.pid !== undefined ? { pid: intOpt(o.pid, "--pid") } : {}),
    ...(o.comm !== undefined ? { comm: o.comm } : {}),
    ...(o.file !== undefined ? { file: o.file } : {}),
    ...(o.assumeDirect ? { assumeDirect: true } : {}),
    ...(o.contiguous ? { contiguous: true } : {}),
  };
  const calls = (): AsyncIterable<Call> =>
    kind === "bpftrace"
      ? parseBpftrace(fileLines(io, file), file)
      : kind === "syz"
      ? parseSyzProgram(fileLines(io, file), file)
      : parseStrace(fileLines(io, file), file);
  const { layout, summary, error } = await plan(calls, opts);
  if (error) throw new UsageError(error);
  for (const l of summary.lines()) io.stderr(`${l}\n`);
  if (!summary.count) {
    io.stderr(
      `import: nothing in ${file} was modelled${
        summary.total ? "" : " (the capture holds no calls)"
      }; see the reasons above (--assume-direct, --pid, --comm, --file choose what to model)\n`,
    );
    return 1;
  }
  const head = header(opts, layout, summary);
  // after the ops, where a reader of the trace looks for it
  const expect = { pins: { outstanding: 0 } };
  let out: Output | undefined;
  let text = "";
  const write = async (t: string) => {
    if (out) await out.write(t);
    else if (o.format === "jsonl") io.stdout(t);
    else text += t;
  };
  let nops = 0;
  try {
    if (o.output) out = await io.createOutput(o.output);
    if (o.format === "jsonl") {
      // header first, then one op per line: memory stays bounded however long the capture
      await write(JSON.stringify({ ...head, expect }) + "\n");
      let batch = "";
      for await (const op of emitOps(calls, opts, layout)) {
        nops++;
        batch += JSON.stringify(op) + "\n";
        if (batch.length > 1 << 16) {
          await write(batch);
          batch = "";
        }
      }
      await write(batch);
    } else {
      // the header, then the ops in batches, each checked and written as it is made: memory
      // stays bounded however long the capture (the whole trace was once built, stringified
      // and parsed back as one document: about 1 GiB for 20k calls). What is written must
      // load: the importer never writes a trace itertrace rejects.
      const name = o.output ?? "<stdout>";
      const rejected = (issues: { message: string }[]) => {
        if (issues.length) {
          throw new Error(`import produced an invalid trace: ${issues[0].message}`);
        }
      };
      const headText = stringify(head, { lineWidth: 0 });
      const tail = stringify({ expect }, { lineWidth: 0 });
      rejected(loadDocument(`${headText}ops: []\n${tail}`, name).issues);
      await write(headText);
      let lines = headText.split("\n").length; // lines written, +1: the first op's line
      let batch = "", first = 0;
      const flush = async () => {
        if (!batch) return;
        rejected(checkOpItems(batch, name, first, lines));
        await write(first === 0 ? `ops:\n${batch}` : batch);
        lines += batch.split("\n").length - 1;
        batch = "";
        first = nops;
      };
      for await (const op of emitOps(calls, opts, layout)) {
        // one op as the whole document would write it: a block item indented under ops:
        batch += stringify([op], { lineWidth: 0 }).replace(/^(?=.)/gm, "  ");
        nops++;
        if (batch.length > 1 << 16) await flush();
      }
      await flush();
      await write(nops ? tail : `ops: []\n${tail}`);
    }
    if (out) await out.commit();
  } catch (e) {
    await out?.abort();
    throw e;
  }
  if (o.output) io.stderr(`wrote ${o.output}: ${nops} ops\n`);
  else if (o.format !== "jsonl") io.stdout(text);
  return 0;
}
