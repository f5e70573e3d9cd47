/**
 * `itertrace ARGS...` as main.ts runs it, with the CPU time (user + system) of the command
 * itself, after the modules are loaded, printed to stderr as `replay-cpu-us N`: start-up
 * noise left out of the per-page figures of bench/extract_measure.ts.
 *
 * @module
 */
import process from "node:process";
import { runCli } from "../src/cli/mod.ts";
import { denoIo } from "../src/cli/io.ts";

const t0 = process.cpuUsage();
const code = await runCli(Deno.args, denoIo());
const u = process.cpuUsage(t0);
console.error(`replay-cpu-us ${u.user + u.system}`);
Deno.exit(code);
