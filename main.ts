/**
 * itertrace: replay traces of Linux iov_iter conversions.
 *
 * @module
 */
import { runCli } from "./src/cli/mod.ts";
import { denoIo } from "./src/cli/io.ts";

if (import.meta.main) {
  try {
    Deno.exit(await runCli(Deno.args, denoIo()));
  } catch (e) {
    // bad input never gets here (it is reported with file:line:column, exit 2); this is a bug
    console.error(`itertrace: internal error: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(70);
  }
}
