/**
 * User-memory access checks for copies: how many bytes of a piece can be read or written
 * before a fault, as `copy_to_user`/`copy_from_user` stop at the faulting byte.
 *
 * @module
 */
import type { ModelCtx } from "./ctx.ts";
import type { Piece } from "./kinds/mod.ts";

/**
 * Bytes of `piece` accessible from its start. Kernel pieces are always accessible; user
 * pieces fault on unmapped addresses, unmapped or freed VMAs, writes to read-only mappings
 * and `fault_inject` ranges.
 */
export function accessibleBytes(ctx: ModelCtx, piece: Piece, write: boolean): number {
  if (!piece.user) return piece.pfn < 0 ? 0 : piece.len;
  const r = piece.region;
  // access_ok() rejects anything that is not user space (at or above TASK_SIZE_MAX)
  if (!r || r.space !== "user" || piece.pfn < 0 || !r.alive || r.kind === "unmapped") return 0;
  if (write && r.prot === "r") return 0;
  let limit = piece.len;
  if (piece.addr !== undefined) {
    const end = piece.addr + BigInt(piece.len);
    for (const f of ctx.faults) {
      if (f.start < end && f.end > piece.addr) {
        const ok = f.start > piece.addr ? Number(f.start - piece.addr) : 0;
        if (ok < limit) limit = ok;
      }
    }
  }
  return limit;
}
