/**
 * Shared scalar types of the model.
 *
 * Byte counts, offsets and pfns are JavaScript numbers (safe integers); virtual addresses can
 * exceed 2^53 (the kernel's linear map lives at 0xffff888000000000), so they are bigints.
 *
 * @module
 */

/** The kernel's ITER_SOURCE (data is read out of the iterator) / ITER_DEST (written into it). */
export type Direction = "source" | "dest";

/** How an extracted page is held: FOLL_PIN, FOLL_GET (a plain ref) or not at all. */
export type Retention = "pin" | "ref" | "none";

/** Iterator kinds, named after the kernel's `enum iter_type` members. */
export type IterKind =
  | "ubuf"
  | "iovec"
  | "kvec"
  | "bvec"
  | "xarray"
  | "folioq"
  | "bvecq"
  | "discard"
  | "pipe";

/** Severity of a warning: what the kernel BUGs on, WARNs on, or silently gets wrong. */
export type Severity = "bug" | "warn" | "hazard";

/** A page frame number. */
export type Pfn = number;

/** A virtual address. */
export type Addr = bigint;

/** Formats a number or bigint as lower-case hex with a 0x prefix. */
export function hex(n: number | bigint): string {
  return n < 0 ? "-0x" + (-n).toString(16) : "0x" + n.toString(16);
}
