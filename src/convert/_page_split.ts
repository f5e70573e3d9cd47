/**
 * The one page-splitting helper for conversions: cuts a run of memory into page-bounded
 * pieces. The kernel has a copy of this loop in every extract_*_to_sg and
 * smb_extract_*_to_rdma function; the copies drifted (the len/seg slip of
 * extract_kvec_to_sg, CVE-2026-46289), so the model keeps one.
 *
 * @module
 */

/** A page-bounded piece: page index from the run's first page, offset in it, length. */
export interface PagePiece {
  readonly page: number;
  readonly offset: number;
  readonly len: number;
}

/** Splits `len` bytes from in-page offset `off` into pieces that each stay inside a page. */
export function splitPages(off: number, len: number, pageSize: number): PagePiece[] {
  const out: PagePiece[] = [];
  let page = Math.floor(off / pageSize), o = off % pageSize;
  while (len > 0) {
    const seg = Math.min(len, pageSize - o);
    out.push({ page, offset: o, len: seg });
    len -= seg;
    page++;
    o = 0;
  }
  return out;
}
