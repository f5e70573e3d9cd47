/**
 * itertrace: replay traces of Linux iov_iter conversions.
 *
 * The documented permissions are `--allow-read`, plus `--allow-write` for `-o` and `--update`.
 * Without `--allow-env`, npm modules that read `process.env` (picocolors at load, yaml while
 * parsing) would stop with NotCapable, or make Deno prompt: they are given an empty
 * environment instead, before any of them loads. NO_COLOR is honoured through `Deno.noColor`,
 * which needs no permission.
 *
 * @module
 */
import process from "node:process";

if (import.meta.main) {
  if (Deno.permissions.querySync({ name: "env" }).state !== "granted") {
    Object.defineProperty(process, "env", { value: {}, configurable: true, writable: true });
  }
  const { runCli } = await import("./src/cli/mod.ts");
  const { denoIo } = await import("./src/cli/io.ts");
  try {
    Deno.exit(await runCli(Deno.args, denoIo()));
  } catch (e) {
    // bad input never gets here (it is reported with file:line:column, exit 2); this is a bug
    console.error(`itertrace: internal error: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(70);
  }
}
