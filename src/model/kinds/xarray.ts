/**
 * ITER_XARRAY: a file's page cache from byte position `xarrayStart`. After `iterate_xarray`
 * (include/linux/iov_iter.h) and the XARRAY branches of lib/iov_iter.c. A hole is skipped, as xas_for_each does.
 *
 * @module
 */
import type { XarrayIter } from "../iter.ts";
import { divRoundUp, type KindOps } from "./_kind.ts";

export const xarrayOps: KindOps<XarrayIter> = {
  // iterate_xarray: xas_for_each visits present folios only, so a hole is skipped and the
  // bytes for logical position P land in the next present folio at offset_in_folio(P)
  walk(mem, it, len, step) {
    const ps = mem.pageSize;
    let progress = 0;
    let fo = it.file.folioFrom(Math.floor((it.xarrayStart + it.iovOffset) / ps));
    while (len > 0 && fo && fo.headIndex < it.file.npages) {
      const fsize = ps * 2 ** fo.order;
      const pos = it.xarrayStart + it.iovOffset + progress;
      let offset = pos % fsize;
      let flen = Math.min(fsize - offset, len);
      let remain = 0;
      while (flen > 0) {
        const inPage = offset % ps;
        const part = Math.min(flen, ps - inPage);
        remain = step({
          addr: undefined,
          pfn: fo.headPfn + Math.floor(offset / ps),
          inPage,
          len: part,
          region: it.file,
          offset: fo.headIndex * ps + offset,
          user: false,
        }, progress);
        const consumed = part - remain;
        progress += consumed;
        len -= consumed;
        if (remain || !len) break;
        offset += part;
        flen -= part;
      }
      if (remain || !len) break;
      fo = it.file.folioFrom(fo.headIndex + 2 ** fo.order);
    }
    it.iovOffset += progress;
    it.count -= progress;
    return progress;
  },
  advance(it, n) {
    it.count -= n;
    it.iovOffset += n;
  },
  // iov_iter_revert: reverting an XARRAY before its start is a BUG()
  revertBeyond: () => "bug",
  npages(mem, it, maxpages) {
    if (!it.count) return 0;
    const pos = it.xarrayStart + it.iovOffset;
    return Math.min(divRoundUp((pos % mem.pageSize) + it.count, mem.pageSize), maxpages);
  },
  alignment: (_mem, it) => BigInt(it.xarrayStart + it.iovOffset) | BigInt(it.count),
  isAligned(_mem, it, addrMask, lenMask) {
    if (BigInt(it.count) & lenMask) return false;
    return (BigInt(it.xarrayStart + it.iovOffset) & addrMask) === 0n;
  },
  singleSegCount: (it) => it.count,
  segs: (_mem, it) => [{ file: it.file.name, start: it.xarrayStart + it.iovOffset, len: it.count }],
  described: (it) => it.count,
};
