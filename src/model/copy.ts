/**
 * Data movement: copy_to_iter, copy_from_iter, copy_from_iter_full, copy_page_to_iter,
 * iov_iter_zero. Each is a step fed to the generic walk, as lib/iov_iter.c builds them from
 * `copy_to_user_iter`/`memcpy_to_iter` and friends (6.8 to 6.18 text). Bytes really move.
 *
 * @module
 */
import type { ModelCtx } from "./ctx.ts";
import type { IovIter, PipeIter } from "./iter.ts";
import { pipeCopyPage, pipeWrite } from "./pipe.ts";
import { pipeUsable } from "./pipe_check.ts";
import { iterateAndAdvance } from "./iterate.ts";
import { accessibleBytes } from "./access.ts";
import { iovIterRevert } from "./advance.ts";
import type { Pfn } from "../types.ts";
import { hex } from "../types.ts";

function checkDir(ctx: ModelCtx, it: IovIter, want: "source" | "dest", fn: string): boolean {
  if (it.dir === want) return true;
  ctx.warn(
    "direction_mismatch",
    { fn, iter: it.name, dir: it.dir },
    `${fn} on ${it.kind.toUpperCase()} iterator "${it.name}" of direction ${it.dir}: WARN_ON_ONCE, nothing copied`,
    { cause: it.createdAt },
  );
  return false;
}

/**
 * _copy_to_iter(): copies `data` into the iterator (which must be ITER_DEST), advancing it by
 * the bytes copied. User kinds stop at the first fault; kernel kinds copy fully.
 */
export function copyToIter(ctx: ModelCtx, it: IovIter, data: Uint8Array): number {
  if (!checkDir(ctx, it, "dest", "copy_to_iter")) return 0;
  if (it.kind === "pipe") {
    return pipeFill(ctx, it, data.length, "copy_to_iter", (p, n) => data.subarray(p, p + n));
  }
  return writeIter(ctx, it, data.length, (progress, n) => data.subarray(progress, progress + n));
}

/** copy_pipe_to_iter / pipe_zero: places the bytes in pipe buffers and writes them. */
function pipeFill(
  ctx: ModelCtx,
  it: PipeIter,
  len: number,
  fn: string,
  bytes: (progress: number, n: number) => Uint8Array,
): number {
  if (!pipeUsable(ctx, it, fn)) return 0;
  const chunks = pipeWrite(ctx, it.pipe, it, len, () => ctx.mem.allocPages(it.pipe.name, 1)[0]);
  let done = 0;
  for (const c of chunks) {
    ctx.mem.writePage(c.pfn, c.off, bytes(done, c.len));
    done += c.len;
  }
  return done;
}

/** Writes `len` bytes produced by `bytes` into the iterator's memory, through the walk. */
function writeIter(
  ctx: ModelCtx,
  it: IovIter,
  len: number,
  bytes: (progress: number, n: number) => Uint8Array,
): number {
  const mem = ctx.mem;
  return iterateAndAdvance(mem, it, len, (piece, progress) => {
    const ok = accessibleBytes(ctx, piece, true);
    if (ok > 0) mem.writePage(piece.pfn, piece.inPage, bytes(progress, ok));
    return piece.len - ok;
  }, ctx.profile);
}

/**
 * _copy_from_iter(): copies up to `bytes` out of the iterator (which must be ITER_SOURCE);
 * returns the bytes copied, advancing the iterator by their length.
 */
export function copyFromIter(ctx: ModelCtx, it: IovIter, bytes: number): Uint8Array {
  if (it.kind === "pipe") {
    ctx.warn(
      "pipe_wrong_use",
      { fn: "copy_from_iter", iter: it.name },
      `copy_from_iter on PIPE "${it.name}": WARN, 0 (a pipe iterator is a destination only)`,
      {
        cause: it.createdAt,
      },
    );
    return new Uint8Array(0);
  }
  if (!checkDir(ctx, it, "source", "copy_from_iter")) return new Uint8Array(0);
  const out = new Uint8Array(Math.min(bytes, it.count));
  const mem = ctx.mem;
  const n = iterateAndAdvance(mem, it, bytes, (piece, progress) => {
    const ok = accessibleBytes(ctx, piece, false);
    if (ok > 0) out.set(mem.readPage(piece.pfn, piece.inPage, ok), progress);
    return piece.len - ok;
  }, ctx.profile);
  return out.subarray(0, n);
}

/**
 * copy_from_iter_full(): a short copy reverts the iterator and reports failure, but the
 * bytes copied before the fault have already reached the destination, as in the kernel.
 */
export function copyFromIterFull(
  ctx: ModelCtx,
  it: IovIter,
  bytes: number,
): { data: Uint8Array; ok: boolean } {
  const data = copyFromIter(ctx, it, bytes);
  if (data.length === bytes) return { data, ok: true };
  iovIterRevert(ctx, it, data.length);
  return { data, ok: false };
}

/**
 * copy_page_to_iter(): copies `bytes` from `offset` within the folio of page `pfn`, one page
 * at a time. page_copy_sane() WARNs and returns 0 unless the range lies inside the folio.
 */
export function copyPageToIter(
  ctx: ModelCtx,
  it: IovIter,
  pfn: Pfn,
  offset: number,
  bytes: number,
): number {
  const ps = ctx.mem.pageSize;
  const folio = ctx.mem.folioOfPfn(pfn);
  const v = (pfn - folio.headPfn) * ps + offset + bytes;
  if (bytes > v || v > ps * 2 ** folio.order) {
    ctx.warn(
      "page_copy_range",
      { fn: "copy_page_to_iter", offset, bytes },
      `copy_page_to_iter: offset ${hex(offset)} + ${hex(bytes)} bytes runs past the folio of ${
        ctx.mem.pageName(pfn)
      } (page_copy_sane WARN), nothing copied`,
    );
    return 0;
  }
  if (!checkDir(ctx, it, "dest", "copy_page_to_iter")) return 0;
  if (it.kind === "pipe") {
    if (!pipeUsable(ctx, it, "copy_page_to_iter")) return 0;
    return pipeCopyPage(ctx, it.pipe, it, pfn, offset, bytes);
  }
  let page = pfn + Math.floor(offset / ps);
  let off = offset % ps;
  let res = 0;
  while (bytes > 0) {
    const chunk = Math.min(bytes, ps - off);
    const data = ctx.mem.readPage(page, off, chunk);
    const n = writeIter(ctx, it, chunk, (progress, k) => data.subarray(progress, progress + k));
    res += n;
    bytes -= n;
    if (!bytes || !n) break;
    off += n;
    if (off === ps) {
      page++;
      off = 0;
    }
  }
  return res;
}

/** iov_iter_zero(): clears up to `bytes` of the iterator, either direction. */
export function iovIterZero(ctx: ModelCtx, it: IovIter, bytes: number): number {
  if (it.kind === "pipe") {
    return pipeFill(ctx, it, bytes, "iov_iter_zero", (_p, n) => new Uint8Array(n));
  }
  return writeIter(ctx, it, bytes, (_p, n) => new Uint8Array(n));
}
