/**
 * The kernel's FOLL_PIN counters: /proc/vmstat nr_foll_pin_acquired / nr_foll_pin_released,
 * exact after `echo 1 > /proc/sys/vm/stat_refresh` folds every CPU's pending deltas in.
 *
 * @module
 */
import type { LiveSystem } from "./system.ts";

/** The two counters. */
export interface PinCounters {
  readonly acquired: number;
  readonly released: number;
}

/** Folds per-CPU vmstat deltas into the global counters (root only). */
export function statRefresh(sys: LiveSystem): void {
  sys.writeText("/proc/sys/vm/stat_refresh", "1");
}

/** Reads the pin counters (after a refresh). */
export function readPins(sys: LiveSystem): PinCounters {
  statRefresh(sys);
  const text = sys.readText("/proc/vmstat");
  const get = (k: string) => {
    const m = new RegExp(`^${k} (\\d+)$`, "m").exec(text);
    if (!m) throw new Error(`/proc/vmstat has no ${k} (a kernel before 5.8?)`);
    return Number(m[1]);
  };
  return { acquired: get("nr_foll_pin_acquired"), released: get("nr_foll_pin_released") };
}

/** Whether this kernel exposes the counters. */
export function hasPinCounters(sys: LiveSystem): boolean {
  try {
    return /^nr_foll_pin_acquired /m.test(sys.readText("/proc/vmstat"));
  } catch {
    return false;
  }
}
