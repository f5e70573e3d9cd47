/**
 * `deno task mutate [PATH...]`: the era-mutation test over the bundled traces (or PATHs).
 * Prints, per move of a profile row, the trace that noticed it, then the unguarded rows;
 * exit 1 when a row is unguarded.
 *
 * @module
 */
import { denoIo } from "../cli/io.ts";
import { type CheckRun, checkTrace, collectTraces } from "../cli/check.ts";
import { describeMutation, runMutations, unguarded } from "./era_mutation.ts";
import { releaseName } from "./eras.ts";

if (import.meta.main) {
  const io = denoIo();
  const paths = Deno.args.length ? Deno.args : ["traces/"];
  const files = await collectTraces(io, paths);
  // every trace is checked in many releases: read each once
  const run: CheckRun = { updated: [], kept: [], sources: new Map() };
  const results = await runMutations(
    files,
    async (f, r) => (await checkTrace(io, f, { format: "text" }, run, r))!.status,
    undefined,
    (r) => {
      const m = r.mutation;
      const tag = r.noticedBy ? "noticed  " : r.equivalent ? "equivalent" : "UNGUARDED";
      console.log(
        `${tag} ${m.row} ${describeMutation(m)} (release ${
          releaseName(m.release)
        }; ${r.tried} traces replayed)${r.noticedBy ? `: ${r.noticedBy}` : ""}${
          r.equivalent ? `: ${r.equivalent}` : ""
        }`,
      );
    },
  );
  const open = unguarded(results);
  console.log(
    `\n${results.length} moves, ${
      results.filter((r) => r.noticedBy).length
    } noticed; ${open.size} rows unguarded${open.size ? `: ${[...open.keys()].join(", ")}` : ""}`,
  );
  Deno.exit(open.size ? 1 : 0);
}
