/**
 * The header's memory section as the model takes it (addresses parsed, tasks made explicit:
 * top-level `user:` regions belong to a task named "task").
 *
 * @module
 */
import type { MemorySpec } from "../model/memory.ts";
import type { Header } from "./schema.ts";

/** Normalises the header's memory section for the model. */
export function memorySpec(h: Header): MemorySpec {
  const m = h.memory;
  const user = (r: NonNullable<typeof m.user>[number]) => ({
    ...r,
    addr: r.addr === undefined ? undefined : BigInt(r.addr),
  });
  const tasks = [
    ...(m.user?.length || !m.tasks?.length
      ? [{ name: "task", user: (m.user ?? []).map(user), noZeroPage: m.no_zero_page ?? false }]
      : []),
    ...(m.tasks ?? []).map((t) => ({
      name: t.name,
      user: t.user.map(user),
      noZeroPage: t.no_zero_page ?? false,
    })),
  ];
  return {
    tasks,
    kernel: m.kernel ?? [],
    files: m.files ?? [],
    pipes: m.pipes ?? [],
  };
}
