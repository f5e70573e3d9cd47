/**
 * itertrace: replay traces of Linux iov_iter conversions.
 *
 * @module
 */
import { runCli } from "./src/cli/mod.ts";
import { denoIo } from "./src/cli/io.ts";

if (import.meta.main) Deno.exit(await runCli(Deno.args, denoIo()));
