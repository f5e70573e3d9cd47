/**
 * The one generic walk, after `iterate_and_advance2()` in include/linux/iov_iter.h: clamp
 * the length to count, return 0 when empty, and dispatch to the kind's walker, which calls
 * a step per piece and advances the iterator by the progress.
 *
 * @module
 */
import type { IovIter } from "./iter.ts";
import type { Memory } from "./memory.ts";
import { kindOps, type Step } from "./kinds/mod.ts";
import type { KernelProfile } from "../profile.ts";

/** Walks up to `len` bytes of `it`, advancing it; returns the bytes processed. `profile`
 * selects era defects of the walkers (the latest behaviour without one). */
export function iterateAndAdvance(
  mem: Memory,
  it: IovIter,
  len: number,
  step: Step,
  profile?: KernelProfile,
): number {
  if (len > it.count) len = it.count;
  if (len <= 0) return 0;
  return kindOps(it).walk(mem, it, len, step, profile);
}
