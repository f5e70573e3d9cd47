/**
 * Turns classified calls into trace ops: what the kernel does with their user pages.
 *
 * - O_DIRECT read/write family: import_iovec, then the bios iomap builds
 *   (bio_iov_iter_get_pages, BIO_MAX_VECS = 256 bvecs each), completion, bio_release_pages.
 *   A short result is modelled as the kernel's short path: the iterator truncated to the bytes
 *   transferred rounded up to the file system block (4 KiB) before the bios are built.
 *   -EFAULT: the buffers are in memory that is not mapped, so extraction fails.
 * - netfs direct I/O: netfs_extract_user_iter.
 * - vmsplice to a pipe: page refs (get_user_pages through iov_iter_get_pages2), dropped when
 *   the pipe is read.
 * - io_uring: IORING_REGISTER_BUFFERS pins every page of every buffer (io_sqe_buffer_register
 *   -> io_pin_pages, FOLL_WRITE | FOLL_LONGTERM) until unregistration or ring exit; a
 *   fixed-buffer request builds a BVEC over the registered pages with an offset
 *   (io_import_fixed) and pins nothing; a plain request imports its buffer like a syscall and
 *   pins it for the duration of the I/O.
 *
 * @module
 */
import type { Call, Iov } from "./capture.ts";
import type { Decision, Ring } from "./classify.ts";
import type { Layout } from "./layout.ts";
import { hex } from "../types.ts";

/** The I/O path the read/write family is replayed through. */
export type ImportPath = "odirect" | "netfs";

type Op = Record<string, unknown>;

const PAGE = 4096n;
const BIO_MAX_VECS = 256;
const LBS = 512;
/** The file system block a short O_DIRECT read is rounded up to (ext4's 4 KiB). */
const FS_BLOCK = 4096n;

/** A byte count as the trace format writes it: a number, or hex above 2^53. */
function n(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : hex(v);
}

/** Emits the ops of calls, numbering iterators and buffers. */
export class Emitter {
  private k = 0;
  constructor(private readonly layout: Layout, private readonly path: ImportPath) {}

  /** The ops of one modelled call (none for the others). */
  ops(c: Call, d: Decision): Op[] {
    switch (d.kind) {
      case "rw":
        return this.path === "netfs" && !d.fault
          ? this.netfs(c, d.read)
          : this.dio(c, d.read, d.bytes, d.fault);
      case "vmsplice":
        return this.vmsplice(c, d.fault);
      case "register":
        return this.register(c, d.ring);
      case "unregister":
        return d.rings.flatMap((r) => this.unregister(r, d.why));
      case "uring_rw":
        return d.fixed
          ? this.fixed(c, d.read, d.ring!)
          : this.dio(c, d.read, undefined, false, true);
      default:
        return [];
    }
  }

  /** Ops releasing what is still registered when the capture ends. */
  end(rings: readonly Ring[]): Op[] {
    return rings.flatMap((r) => this.unregister(r, "the capture ended (ring exit)"));
  }

  private iovOps(c: Call, fault: boolean): { iov: Op[]; bases: bigint[] } {
    const bases = this.layout.bases(c.pid, c.iov, fault);
    const firstUsed = c.iov.findIndex((v) => v.len > 0n);
    const iov = c.iov.map((v, i) => ({
      // a zero-length iovec still needs an address; the kernel never touches it
      base: this.layout.at(c.pid, v.len || firstUsed < 0 ? bases[i] : bases[firstUsed]),
      len: n(v.len),
    }));
    return { iov, bases };
  }

  private dio(
    c: Call,
    read: boolean,
    bytes: bigint | undefined,
    fault: boolean,
    uring = false,
  ): Op[] {
    const it = `c${this.k++}`;
    const dir = read ? "dest" : "source";
    const id = uring ? `io_uring@${c.line}` : `${c.syscall}@${c.line}`;
    const ops: Op[] = [];
    const { iov, bases } = this.iovOps(c, fault);
    if (uring && c.iov.length === 1 && !c.vlen) {
      // IORING_OP_READ/WRITE: import_ubuf
      ops.push({ op: "iov_iter_ubuf", id, iter: it, dir, addr: iov[0].base, len: iov[0].len });
    } else ops.push({ op: "import_iovec", id, iter: it, dir, iov });
    const total = c.iov.reduce((s, v) => s + v.len, 0n);
    let count = total;
    if (bytes !== undefined && bytes < total) {
      const r = ((bytes + FS_BLOCK - 1n) / FS_BLOCK) * FS_BLOCK;
      count = r < total ? r : total;
      if (count < total) ops.push({ op: "iov_iter_truncate", iter: it, count: n(count) });
    }
    const pos = c.pos !== undefined && c.pos >= 0n ? { pos: n(c.pos) } : {};
    const nbios = fault ? 1 : this.bioCount(c, bases, count);
    const bios = Array.from({ length: nbios }, (_v, j) => `${it}b${j}`);
    for (const b of bios) {
      ops.push({
        op: "bio_iov_iter_get_pages",
        iter: it,
        bio: b,
        max_vecs: BIO_MAX_VECS,
        lbs: LBS,
        ...pos,
      });
    }
    if (!fault) {
      for (const b of bios) {
        ops.push({ op: "io_complete", of: b }, { op: "bio_release_pages", bio: b, dirty: read });
      }
    }
    ops.push({ op: uring ? "async_return" : "syscall_return", iters: [it] });
    for (const b of bios) ops.push({ op: "free", var: b });
    ops.push({ op: "free", var: it });
    return ops;
  }

  /**
   * How many bios iomap builds for the call under this layout: bio_iov_iter_get_pages fills a
   * bio until BIO_MAX_VECS bvecs, extracting from one iovec at a time (at most the free bvec
   * slots in pages) and merging a page range into the previous bvec when the two are
   * physically contiguous; the bio is then trimmed to a multiple of the logical block size.
   */
  private bioCount(c: Call, bases: bigint[], count: bigint): number {
    const segs = c.iov.map((v, i) => ({ base: bases[i], len: v.len }));
    let left = count, si = 0, off = 0n, bios = 0;
    while (left > 0n && bios < 1 << 20) {
      bios++;
      let vecs = 0, size = 0n, lastEnd = -1n;
      do {
        while (si < segs.length && off >= segs[si].len) {
          si++;
          off = 0n;
        }
        if (si >= segs.length) break;
        const s = segs[si];
        let a = s.base + off;
        const segLeft = s.len - off < left ? s.len - off : left;
        const maxBytes = BigInt(BIO_MAX_VECS - vecs) * PAGE - (a % PAGE);
        let take = segLeft < maxBytes ? segLeft : maxBytes;
        off += take;
        left -= take;
        size += take;
        while (take > 0n) {
          const inPage = PAGE - (a % PAGE) < take ? PAGE - (a % PAGE) : take;
          const phys = BigInt(this.layout.pfnOf(c.pid, a)) * PAGE + (a % PAGE);
          if (phys !== lastEnd) vecs++;
          lastEnd = phys + inPage;
          a += inPage;
          take -= inPage;
        }
      } while (left > 0n && vecs < BIO_MAX_VECS);
      const trim = size % BigInt(LBS);
      if (trim && left >= 0n && size > trim) {
        left += trim;
        off -= trim;
      }
    }
    return Math.max(bios, 1);
  }

  private netfs(c: Call, read: boolean): Op[] {
    const it = `c${this.k++}`;
    const { iov } = this.iovOps(c, false);
    const total = c.iov.reduce((s, v) => s + v.len, 0n);
    return [
      {
        op: "import_iovec",
        id: `${c.syscall}@${c.line}`,
        iter: it,
        dir: read ? "dest" : "source",
        iov,
      },
      { op: "netfs_extract_user_iter", iter: it, len: n(total), new: `${it}bv` },
      { op: "syscall_return", iters: [it] },
      { op: "io_complete", of: `${it}bv` },
      read
        ? { op: "unpin_user_pages_dirty_lock", pages: `${it}bv`, dirty: true }
        : { op: "unpin_user_pages", pages: `${it}bv` },
      { op: "free", var: `${it}bv` },
      { op: "free", var: it },
    ];
  }

  private vmsplice(c: Call, fault: boolean): Op[] {
    const it = `c${this.k++}`;
    const { iov } = this.iovOps(c, fault);
    const ops: Op[] = [{
      op: "import_iovec",
      id: `vmsplice@${c.line}`,
      iter: it,
      dir: "source",
      iov,
    }];
    // vmsplice_to_pipe takes page refs with iov_iter_get_pages2; the pipe holds them until read
    const held: string[] = [];
    c.iov.forEach((v, i) => {
      if (!v.len || (fault && i > 0)) return;
      ops.push({
        op: "iov_iter_get_pages_alloc2",
        iter: it,
        maxsize: n(v.len),
        maxpages: 0,
        as: `${it}p${i}`,
      });
      held.push(`${it}p${i}`);
    });
    ops.push({ op: "syscall_return", iters: [it] });
    for (const p of held) {
      if (!fault) ops.push({ op: "put_page", pages: p });
      ops.push({ op: "free", var: p });
    }
    ops.push({ op: "free", var: it });
    return ops;
  }

  /** IORING_REGISTER_BUFFERS: io_sqe_buffer_register for every buffer of the table. */
  private register(c: Call, ring: Ring): Op[] {
    const ops: Op[] = [];
    ring.bufs!.forEach((b, i) => {
      if (!b.len) return;
      ops.push({
        op: "io_sqe_buffer_register",
        id: `io_uring_register@${c.line}#${i}`,
        addr: this.layout.at(ring.pid, b.base),
        len: n(b.len),
        as: `r${ring.id}buf${i}`,
      });
    });
    return ops;
  }

  private unregister(ring: Ring, why: string): Op[] {
    const ops: Op[] = [];
    ring.bufs?.forEach((b, i) => {
      if (b.len) {
        ops.push({
          op: "io_buffer_unmap",
          id: `ring ${ring.id}: ${why}`,
          buf: `r${ring.id}buf${i}`,
        });
      }
    });
    return ops;
  }

  /** A fixed-buffer request: io_import_fixed, then the bio borrows the BVEC's pages. */
  private fixed(c: Call, read: boolean, ring: Ring): Op[] {
    const it = `c${this.k++}`;
    const v = c.iov[0] as Iov & { base: bigint };
    const i = c.bufIndex ?? 0;
    const b = ring.bufs![i];
    return [
      {
        op: "io_import_fixed",
        id: `io_uring@${c.line}`,
        iter: it,
        dir: read ? "dest" : "source",
        buf: `r${ring.id}buf${i}`,
        offset: n(v.base - b.base),
        len: n(v.len),
      },
      { op: "bio_iov_iter_get_pages", iter: it, bio: `${it}b`, max_vecs: BIO_MAX_VECS, lbs: LBS },
      { op: "io_complete", of: `${it}b` },
      { op: "bio_release_pages", bio: `${it}b`, dirty: read },
      { op: "async_return", iters: [it] },
      { op: "free", var: `${it}b` },
      { op: "free", var: it },
    ];
  }
}
