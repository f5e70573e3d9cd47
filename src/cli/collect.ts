/**
 * The trace files a command's paths name: files as given, directories walked (sorted, by
 * extension). Its own module so that `validate` does not load what `check` replays with.
 *
 * @module
 */
import type { Io } from "./io.ts";
import { TRACE_EXT } from "./source.ts";

/**
 * Collects trace files under the paths, sorted, directories walked recursively; `found`
 * receives the files found by walking (rather than named on the command line).
 */
export async function collectTraces(
  io: Io,
  paths: readonly string[],
  found?: Set<string>,
): Promise<string[]> {
  const out: string[] = [];
  async function walk(p: string, top: boolean): Promise<void> {
    const entries = await io.readDir(p);
    if (!entries) {
      out.push(p);
      if (!top) found?.add(p);
      return;
    }
    const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of sorted) {
      const child = `${p.replace(/\/$/, "")}/${e.name}`;
      if (e.isDirectory) await walk(child, false);
      else if (TRACE_EXT.test(e.name)) {
        out.push(child);
        found?.add(child);
      }
    }
  }
  for (const p of paths) await walk(p, true);
  return out;
}
