/**
 * ITER_PIPE (up to 6.4) and the pipe it writes into: a ring of buffers with free-running
 * head and tail, full at max_usage. Two historic behaviours, chosen by the profile:
 *
 * - up to 5.19 (push ahead): copies and get_pages allocate every buffer they need first
 *   (push_pipe); get_pages claims the bytes and does not advance the iterator; advance and
 *   revert move the position and truncate the pipe after it (pipe_truncate).
 * - 6.0 to 6.4 (append as you go, Al Viro's rework): append_pipe extends the last anonymous
 *   buffer or pushes a new one per chunk; get_pages appends and advances both pipe and
 *   iterator; pipe_advance cuts the buffer at the new position and discards the rest;
 *   revert releases buffers back to start_head.
 *
 * Follows lib/iov_iter.c of those eras (sanity, push_pipe/append_pipe,
 * copy_page_to_iter_pipe, pipe_get_pages, pipe_advance, the PIPE branch of iov_iter_revert).
 *
 * @module
 */
import type { ModelCtx, PipeEffects } from "./ctx.ts";

export type { PipeEffects } from "./ctx.ts";
import type { Pfn } from "../types.ts";
import { hex } from "../types.ts";

/** One pipe_buffer. */
export interface PipeBuf {
  readonly pfn: Pfn;
  offset: number;
  len: number;
  /** An anonymous buffer (default_pipe_buf_ops, pipe-owned page) or a page-cache one. */
  readonly anon: boolean;
}

/** A pipe_inode_info. */
export interface Pipe {
  readonly name: string;
  readonly maxUsage: number;
  head: number;
  tail: number;
  readonly bufs: Map<number, PipeBuf>;
  /** Step at which the splice call returned and unlocked it, if it has. */
  unlockedAt: number | undefined;
  /** Step of the last get_pages that claimed bytes ahead of the data, if any. */
  claimStep: number | undefined;
}

/** The PIPE iterator fields (i->head, i->start_head, iov_offset or last_offset). */
export interface PipePos {
  head: number;
  readonly startHead: number;
  /** 5.19 and before: offset in the buffer at `head` (0: none). */
  iovOffset: number;
  /** 6.0 to 6.4: >0 anon bytes in the last buffer, <0 page-cache end, 0 nothing. */
  lastOffset: number;
  count: number;
}

/** Creates a pipe as declared. */
export function newPipe(name: string, maxUsage: number): Pipe {
  return {
    name,
    maxUsage,
    head: 0,
    tail: 0,
    bufs: new Map(),
    unlockedAt: undefined,
    claimStep: undefined,
  };
}

/** pipe_full(). */
export function pipeFull(p: Pipe): boolean {
  return p.head - p.tail >= p.maxUsage;
}

function modern(ctx: ModelCtx): boolean {
  return ctx.profile.has("get_pages2");
}

/** The position offset in whichever field the era uses. */
function posOffset(ctx: ModelCtx, it: PipePos): number {
  return modern(ctx) ? Math.abs(it.lastOffset) : it.iovOffset;
}

/**
 * sanity(): the iterator position must equal the end of the pipe's data. Returns a
 * description of the skew, or undefined when consistent.
 */
export function pipeSanity(ctx: ModelCtx, p: Pipe, it: PipePos): string | undefined {
  const off = posOffset(ctx, it);
  if (off) {
    if (p.head === p.tail) return `position offset ${hex(off)} but the pipe is empty`;
    if (it.head !== p.head - 1) {
      return `iterator head ${it.head} is not the pipe's last buffer ${p.head - 1}`;
    }
    const b = p.bufs.get(it.head)!;
    if (b.offset + b.len !== off) {
      return `last buffer ends at ${hex(b.offset + b.len)}, the iterator at ${hex(off)}`;
    }
    return undefined;
  }
  if (it.head !== p.head) return `iterator head ${it.head} but pipe head ${p.head}`;
  return undefined;
}

type Alloc = () => Pfn;

/** 6.0+ append_pipe(): extend the last anon buffer or push a new one; null when full. */
function appendPipe(p: Pipe, it: PipePos, size: number, ps: number, alloc: Alloc) {
  const off = it.lastOffset;
  if (off > 0 && off < ps) {
    const buf = p.bufs.get(p.head - 1)!;
    size = Math.min(size, ps - off);
    buf.len += size;
    it.lastOffset += size;
    it.count -= size;
    return { pfn: buf.pfn, off, size };
  }
  size = Math.min(size, ps);
  if (pipeFull(p)) return undefined;
  const pfn = alloc();
  p.bufs.set(p.head++, { pfn, offset: 0, len: size, anon: true });
  it.head = p.head - 1;
  it.lastOffset = size;
  it.count -= size;
  return { pfn, off: 0, size };
}

/**
 * ≤5.19 push_pipe(): allocate buffers for `size` bytes from the position, lengths set,
 * pipe head advanced; returns the bytes room was made for and where they start.
 */
function pushPipe(p: Pipe, it: PipePos, size: number, ps: number, alloc: Alloc) {
  let head = it.head, off = it.iovOffset;
  // data_start(): a full or page-cache last buffer means the data starts in a new one
  if (off && (!p.bufs.get(head)?.anon || off === ps)) {
    head++;
    off = 0;
  }
  const start = { head, off };
  let left = size;
  if (off) {
    const buf = p.bufs.get(head)!;
    left -= ps - off;
    if (left <= 0) {
      buf.len += size;
      return { n: size, start };
    }
    buf.len = ps;
    head++;
  }
  while (!pipeFull(p)) {
    const pfn = alloc();
    const len = Math.min(left, ps);
    p.bufs.set(p.head++, { pfn, offset: 0, len, anon: true });
    left -= len;
    if (left <= 0) return { n: size, start };
  }
  return { n: size - left, start };
}

/** Data chunks a copy writes: (pfn, offset, len) in order. */
export type Chunk = { pfn: Pfn; off: number; len: number };

/**
 * copy_pipe_to_iter / pipe_zero: places `bytes` into the pipe; returns the chunks written
 * (the caller copies the data) and the bytes placed.
 */
export function pipeWrite(
  ctx: ModelCtx,
  p: Pipe,
  it: PipePos,
  bytes: number,
  alloc: Alloc,
): Chunk[] {
  const ps = ctx.mem.pageSize;
  bytes = Math.min(bytes, it.count);
  const chunks: Chunk[] = [];
  if (!bytes) return chunks;
  if (modern(ctx)) {
    for (let n = bytes; n > 0;) {
      const a = appendPipe(p, it, n, ps, alloc);
      if (!a) break;
      chunks.push({ pfn: a.pfn, off: a.off, len: a.size });
      n -= a.size;
    }
    return chunks;
  }
  const { n, start } = pushPipe(p, it, bytes, ps, alloc);
  let head = start.head, off = start.off, left = n;
  while (left > 0) {
    const buf = p.bufs.get(head)!;
    const chunk = Math.min(left, ps - off);
    chunks.push({ pfn: buf.pfn, off, len: chunk });
    it.head = head;
    it.iovOffset = off + chunk;
    left -= chunk;
    off = 0;
    head++;
  }
  it.count -= n;
  return chunks;
}

/** copy_page_to_iter_pipe(): a page-cache buffer, merged when it continues the last one. */
export function pipeCopyPage(
  ctx: ModelCtx,
  p: Pipe,
  it: PipePos,
  pfn: Pfn,
  offset: number,
  bytes: number,
): number {
  bytes = Math.min(bytes, it.count);
  if (!bytes) return 0;
  if (modern(ctx)) {
    if (offset && it.lastOffset === -offset) {
      const buf = p.bufs.get(p.head - 1)!;
      if (buf.pfn === pfn) {
        buf.len += bytes;
        it.lastOffset -= bytes;
        it.count -= bytes;
        return bytes;
      }
    }
    if (pipeFull(p)) return 0;
    const head = p.head;
    p.bufs.set(p.head++, { pfn, offset, len: bytes, anon: false });
    it.lastOffset = -(offset + bytes);
    it.head = head;
    it.count -= bytes;
    return bytes;
  }
  let head = it.head;
  if (it.iovOffset) {
    const buf = p.bufs.get(head)!;
    if (offset === it.iovOffset && buf.pfn === pfn) {
      buf.len += bytes;
      it.iovOffset += bytes;
      it.count -= bytes;
      return bytes;
    }
    head++;
  }
  if (pipeFull(p)) return 0;
  p.bufs.set(head, { pfn, offset, len: bytes, anon: false });
  p.head = head + 1;
  it.iovOffset = offset + bytes;
  it.head = head;
  it.count -= bytes;
  return bytes;
}

/**
 * pipe_get_pages(): up to 5.19 push_pipe claims the bytes and the iterator does not move;
 * from 6.0 append_pipe per page advances pipe and iterator. The pages come with a ref.
 * -EFAULT when the pipe has no room.
 */
export function pipeGetPages(
  ctx: ModelCtx,
  p: Pipe,
  it: PipePos,
  maxsize: number,
  maxpages: number,
  alloc: Alloc,
): { ret: number; offset0: number; pfns: Pfn[] } {
  const ps = ctx.mem.pageSize;
  if (modern(ctx)) {
    let npages = Math.max(p.maxUsage - (p.head - p.tail), 0);
    let off = 0;
    if (it.lastOffset > 0 && it.lastOffset < ps) {
      npages++;
      off = it.lastOffset;
    }
    if (!npages) return { ret: -14, offset0: 0, pfns: [] };
    const count = Math.min(Math.ceil((maxsize + off) / ps), npages, maxpages);
    const pfns: Pfn[] = [];
    let left = maxsize;
    for (let k = 0; k < count; k++) {
      const a = appendPipe(p, it, left, ps, alloc);
      if (!a) break;
      pfns.push(a.pfn);
      left -= a.size;
    }
    if (!pfns.length) return { ret: -14, offset0: off, pfns };
    return { ret: maxsize - left, offset0: off, pfns };
  }
  let head = it.head, start = it.iovOffset;
  if (start && (!p.bufs.get(head)?.anon || start === ps)) {
    head++;
    start = 0;
  }
  const npages = Math.max(p.maxUsage - (head - p.tail), 0);
  const capacity = Math.min(npages, maxpages) * ps - start;
  const want = Math.min(maxsize, capacity);
  if (want <= 0) return { ret: -14, offset0: start, pfns: [] };
  const { n } = pushPipe(p, it, want, ps, alloc);
  if (!n) return { ret: -14, offset0: start, pfns: [] };
  const pfns: Pfn[] = [];
  for (let left = n + start, h = head; left > 0; left -= ps, h++) pfns.push(p.bufs.get(h)!.pfn);
  return { ret: n, offset0: start, pfns };
}

/** Releases buffers [from, p.head) (pipe_discard_from / the truncate loop). */
function discardFrom(p: Pipe, from: number, fx: PipeEffects): void {
  while (p.head > from) {
    const h = --p.head;
    const b = p.bufs.get(h);
    if (b) fx.released.push(b);
    p.bufs.delete(h);
  }
}

/** pipe_advance(). */
export function pipeAdvance(ctx: ModelCtx, p: Pipe, it: PipePos, size: number): PipeEffects {
  const fx: PipeEffects = { released: [], shortened: [] };
  if (modern(ctx)) {
    let off = it.lastOffset;
    if (!off && !size) {
      discardFrom(p, it.startHead, fx);
      return fx;
    }
    it.count -= size;
    for (;;) {
      const buf = p.bufs.get(it.head);
      if (!buf) break;
      if (off) size += Math.abs(off) - buf.offset;
      if (size <= buf.len) {
        if (size < buf.len) fx.shortened.push(buf);
        buf.len = size;
        it.lastOffset = buf.anon ? buf.len : -(buf.offset + buf.len);
        break;
      }
      size -= buf.len;
      it.head++;
      off = 0;
    }
    discardFrom(p, it.head + 1, fx);
    return fx;
  }
  if (size) {
    let head = it.head, left = size;
    if (it.iovOffset) left += it.iovOffset - p.bufs.get(head)!.offset;
    let buf = p.bufs.get(head);
    while (buf && left > buf.len) {
      left -= buf.len;
      head++;
      buf = p.bufs.get(head);
    }
    it.head = head;
    it.iovOffset = buf ? buf.offset + left : 0;
  }
  it.count -= size;
  truncate519(p, it, fx);
  return fx;
}

/** ≤5.19 pipe_truncate(): cut the buffer at the position and release everything after it. */
function truncate519(p: Pipe, it: PipePos, fx: PipeEffects): void {
  if (p.head === p.tail) return;
  let head = it.head;
  if (it.iovOffset) {
    const buf = p.bufs.get(head);
    if (buf) {
      const len = it.iovOffset - buf.offset;
      if (len < buf.len) fx.shortened.push(buf);
      buf.len = len;
    }
    head++;
  }
  discardFrom(p, head, fx);
}

/**
 * The PIPE branch of iov_iter_revert(). Returns the effects and the bytes that could not be
 * unrolled because start_head was reached.
 */
export function pipeRevert(
  ctx: ModelCtx,
  p: Pipe,
  it: PipePos,
  unroll: number,
): PipeEffects & { below: number } {
  const fx: PipeEffects = { released: [], shortened: [] };
  it.count += unroll;
  if (modern(ctx)) {
    let head = p.head;
    while (head > it.startHead) {
      const b = p.bufs.get(--head)!;
      if (unroll < b.len) {
        b.len -= unroll;
        if (unroll) fx.shortened.push(b);
        it.lastOffset = b.anon ? b.len : -(b.offset + b.len);
        it.head = head;
        return { ...fx, below: 0 };
      }
      unroll -= b.len;
      fx.released.push(b);
      p.bufs.delete(head);
      p.head--;
    }
    it.lastOffset = 0;
    it.head = head;
    return { ...fx, below: unroll };
  }
  let head = it.head, off = it.iovOffset, below = 0;
  for (;;) {
    const b = p.bufs.get(head);
    const n = b ? off - b.offset : 0;
    if (unroll < n) {
      off -= unroll;
      if (head < it.startHead) below += unroll;
      unroll = 0;
      break;
    }
    if (head < it.startHead) below += n;
    unroll -= n;
    // the loop stops at start_head only when nothing is left to unroll; with more left it
    // steps below start_head into earlier writers' buffers (until the ring runs out)
    if (!unroll && head === it.startHead) {
      off = 0;
      break;
    }
    if (head <= p.tail) {
      off = 0;
      break;
    }
    head--;
    const prev = p.bufs.get(head);
    off = prev ? prev.offset + prev.len : 0;
  }
  it.iovOffset = off;
  it.head = head;
  truncate519(p, it, fx);
  return { ...fx, below: below + unroll };
}
