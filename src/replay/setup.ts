/**
 * A replay's memory, built from the trace's `memory:` declarations: regions, files, pipes and
 * their initial fills. Problems are trace errors at `memory:`.
 *
 * @module
 */
import { Memory, MemoryLimitError } from "../model/memory.ts";
import type { Pattern } from "../model/fill.ts";
import { TraceError } from "../errors.ts";
import type { LoadedHeader } from "../trace/load.ts";
import type { Header } from "../trace/schema.ts";
import { MAX_MOVE } from "../trace/schema.ts";
import { memorySpec } from "../trace/memory_spec.ts";

/** Builds the memory a trace declares, with its fills applied; the first task's name. */
export function buildMemory(h: LoadedHeader): { mem: Memory; firstTask: string } {
  const spec = memorySpec(h.header);
  const mem = new Memory(spec, h.header.page_size);
  const fail = (message: string): never => {
    throw new TraceError([{ file: h.file, ...h.locate(["memory"]), message }]);
  };
  if (mem.problems.length) {
    throw new TraceError(
      mem.problems.map((p) => ({
        file: h.file,
        ...h.locate(["memory"]),
        message: `memory: ${p.message}`,
      })),
    );
  }
  try {
    applyRegionFills(h, mem, fail);
  } catch (e) {
    if (!(e instanceof MemoryLimitError)) throw e;
    fail(`memory: ${e.message}`);
  }
  return { mem, firstTask: spec.tasks[0]?.name ?? "task" };
}

/**
 * The region fills a trace's `memory:` declares, in declaration order (user, tasks' user,
 * kernel, files), each with its pattern. The replay applies them; the KUnit exporter writes
 * them as itk_fill() calls.
 */
export function regionFills(header: Header): { name: string; pattern: Pattern }[] {
  const m = header.memory;
  const all = [
    ...(m.user ?? []).map((r) => ({ name: r.region, fill: r.fill })),
    ...(m.tasks ?? []).flatMap((t) => t.user.map((r) => ({ name: r.region, fill: r.fill }))),
    ...(m.kernel ?? []).map((r) => ({ name: r.region, fill: r.fill })),
    ...(m.files ?? []).map((f) => ({ name: f.name, fill: f.fill })),
  ];
  return all.flatMap(({ name, fill }) =>
    fill === undefined
      ? []
      : [{ name, pattern: typeof fill === "object" && "pattern" in fill ? fill.pattern : fill }]
  );
}

function applyRegionFills(h: LoadedHeader, mem: Memory, fail: (m: string) => never): void {
  for (const { name, pattern } of regionFills(h.header)) {
    const region = mem.regions.get(name)!;
    if (region.size > MAX_MOVE) {
      fail(
        `memory: "${name}" is ${region.size} bytes; a region fill is limited to ${
          MAX_MOVE / 2 ** 20
        } MiB (use fill ops on parts of it)`,
      );
    }
    mem.fillRegion(region, 0, region.size, pattern, 0);
  }
}
