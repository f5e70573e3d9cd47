/**
 * Handlers of the caller ops (src/trace/ops/callers.ts).
 *
 * @module
 */
import type { Handlers } from "./handler.ts";
import { extracted } from "./pages.ts";
import { CONVERT_HANDLERS, mapSges } from "./convert_ops.ts";
import { iovIterExtractPages, iovIterGetPages } from "../model/extract.ts";
import { algifAeadDecrypt } from "../convert/af_alg.ts";

export const CALLER_HANDLERS = {
  // crypto/algif_aead.c _aead_recvmsg() with authencesn (src/convert/af_alg.ts): a write of
  // the decryption outside the receive buffer that lands in a file's page cache is flagged
  algif_aead_recvmsg(r, a) {
    const table = (name: string, key: string) => {
      const v = r.scope.variable(name, [key]);
      return v.type === "sgt" ? v.sgt : r.error(`"${name}" is not an sg table`, [key]);
    };
    const tx = table(a.tx, "tx"), rx = table(a.rx, "rx");
    const res = algifAeadDecrypt(r.model, tx, rx, a.assoclen, a.authsize);
    for (const p of new Set(res.strayWrites)) {
      const loc = r.mem.pageLoc(p);
      if (loc?.region.space !== "file") continue;
      const from = tx.entries.slice(0, tx.nents).find((e) =>
        p >= e.pfn && p < e.pfn + Math.ceil((e.offset + e.length) / r.mem.pageSize)
      );
      r.warn(
        "page_cache_write",
        {
          fn: "algif_aead_recvmsg",
          region: loc.region.name,
          bytes: 4,
        },
        `algif_aead decrypts in place: the tag's TX entry is chained after "${a.rx}" as the destination, and authencesn writes its 4-byte scratch into ${
          r.mem.pageName(p)
        }, the page cache of "${loc.region.name}"${
          loc.region.prot === "r" ? ", a file open read-only" : ""
        }`,
        { cause: from?.step, page: r.mem.pageName(p) },
      );
    }
    return res.ret;
  },
  // fs/bcachefs/fs-io-direct.c bch2_direct_IO_read() (6.7-6.17): refuses a position or length
  // that is not 512-aligned, clips the request to i_size, then shortens the iterator to that
  // length rounded up to the block size with a size_t subtraction. When the rounded length
  // exceeds the count (a sub-block read), shorten wraps and count -= shorten leaves the count
  // at the rounded length, larger than the user's buffer; b58b1b883b9b (6.8) clamps shorten
  // to 0 then. One bio is built from the iterator (bio_iov_iter_get_pages), and the shortened
  // bytes are given back (count += shorten).
  bch2_direct_IO_read(r, a, node) {
    const it = r.scope.iter(a.iter);
    if ((a.pos | it.count) & 511) return -22;
    const want = Math.min(it.count, Math.max(0, a.i_size - a.pos));
    if (!want) return 0;
    const rounded = Math.ceil(want / a.block_size) * a.block_size;
    let shorten = it.count - rounded; // a size_t in the kernel: negative means it wrapped
    if (shorten < 0 && r.profile.has("bch2_dio_read_shorten_fix")) shorten = 0;
    if (shorten < 0) {
      r.warn(
        "count_underflow",
        { fn: "bch2_direct_IO_read", iter: a.iter, count: it.count, bytes: rounded },
        `bch2_direct_IO_read: shorten = count 0x${it.count.toString(16)} - round_up(0x${
          want.toString(16)
        }, 0x${a.block_size.toString(16)}) wraps, and count -= shorten makes "${a.iter}" claim 0x${
          rounded.toString(16)
        } bytes: the read lands past the user's buffer (and count += shorten afterwards wraps the count to 2^64 - 0x${
          (rounded - it.count).toString(16)
        })`,
        { cause: it.createdAt },
      );
    }
    it.count -= shorten;
    const ret = CONVERT_HANDLERS.bio_iov_iter_get_pages(r, {
      iter: a.iter,
      bio: a.bio,
      max_vecs: a.max_vecs,
      lbs: 512,
      pos: undefined,
      dma_alignment: 511,
      p2p: false,
    }, node);
    // count += shorten: with a wrapped shorten the kernel's size_t count wraps again (to
    // 2^64 - (rounded - original)); the model cannot hold that and leaves what is left
    if (shorten >= 0 || it.count + shorten >= 0) it.count += shorten;
    return ret;
  },
  // fs/nfs/direct.c nfs_direct_{read,write}_schedule_iovec(): before 7.4
  // iov_iter_get_pages_alloc2(iter, &pagevec, rsize, &pgbase) (refs, released with put_page,
  // so fork() during the I/O can hand the page to the child); from 7.4 (a2bb86ade0bc)
  // iov_iter_extract_pages(iter, &pagevec, rsize, ~0U, 0, &pgbase) with pagevec NULL (pins
  // where iov_iter_extract_will_pin(), released with unpin)
  nfs_direct_schedule_iovec(r, a, node) {
    const it = r.scope.iter(a.iter);
    const o = { maxsize: a.maxsize, maxpages: 0x7fffffff, step: node.index };
    const res = r.profile.has("nfs_dio_pins")
      ? iovIterExtractPages(r.model, it, { ...o, p2pdma: false, alloc: true })
      : iovIterGetPages(r.model, it, { ...o, advance: true });
    return extracted(r, a.as, it, res, node.index);
  },
  smbdirect_map_sges_from_iter: (r, a, node) => mapSges(r, a, node, "smbdirect_map_sges_from_iter"),
} satisfies Partial<Handlers>;
