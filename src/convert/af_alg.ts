/**
 * AF_ALG AEAD decryption as crypto/algif_aead.c _aead_recvmsg() runs it with authencesn
 * (crypto/authencesn.c), the path of CVE-2026-31431 ("Copy Fail"):
 *
 * - af_alg_sendmsg() gathered what was sent into the TX sg list with extract_iter_to_sg();
 *   for MSG_SPLICE_PAGES (splice from a file) those entries are the file's page-cache pages
 *   themselves, not copies.
 * - _aead_recvmsg() copies the AAD and ciphertext (everything but the tag) from TX into the
 *   RX sg list (the receive buffer). From 72548b093ee3 (4.14) to 7.0 it then decrypted in
 *   place: the TX entries holding the tag were chained after the RX entries and the chain
 *   was the request's source and destination. a664bf3d603d (7.0-rc7; stable 6.12.85) makes
 *   the destination the RX list alone (out of place).
 * - crypto_authenc_esn_decrypt() moves the high half of the extended sequence number, AAD
 *   bytes 4..7, to the end of the ciphertext in the destination while it authenticates; in
 *   place that is the first 4 bytes of the tag, in the chained TX page. With the tag spliced
 *   from a file, 4 bytes the caller chose land in the file's page cache. The tag then fails
 *   to verify (-EBADMSG), after the write.
 *
 * @module
 */
import type { ModelCtx } from "../model/ctx.ts";
import type { SgEntry, SgTable } from "./sg.ts";
import type { Pfn } from "../types.ts";

/** One contiguous piece of an sg list: (page, offset inside it, length). */
interface Span {
  readonly pfn: Pfn;
  readonly offset: number;
  readonly len: number;
}

/** The byte ranges [from, from + len) of an sg list's live entries cover, page by page. */
function spans(ctx: ModelCtx, entries: readonly SgEntry[], from: number, len: number): Span[] {
  const ps = ctx.mem.pageSize;
  const out: Span[] = [];
  let pos = 0;
  for (const e of entries) {
    if (len <= 0) break;
    const end = pos + e.length;
    if (end > from) {
      let skip = Math.max(0, from - pos);
      let left = Math.min(e.length - skip, len);
      len -= left;
      from += left;
      while (left > 0) {
        const abs = e.offset + skip;
        const pfn = e.pfn + Math.floor(abs / ps);
        const inPage = abs % ps;
        const n = Math.min(ps - inPage, left);
        out.push({ pfn, offset: inPage, len: n });
        skip += n;
        left -= n;
      }
    }
    pos = end;
  }
  return out;
}

function live(t: SgTable): SgEntry[] {
  return t.entries.slice(0, t.nents);
}

function total(entries: readonly SgEntry[]): number {
  return entries.reduce((n, e) => n + e.length, 0);
}

function read(ctx: ModelCtx, s: readonly Span[]): Uint8Array {
  const out = new Uint8Array(s.reduce((n, x) => n + x.len, 0));
  let at = 0;
  for (const x of s) {
    out.set(ctx.mem.readPage(x.pfn, x.offset, x.len), at);
    at += x.len;
  }
  return out;
}

/** Writes `data` over the spans; returns the pages written. */
function write(ctx: ModelCtx, s: readonly Span[], data: Uint8Array): Pfn[] {
  let at = 0;
  for (const x of s) {
    ctx.mem.writePage(x.pfn, x.offset, data.subarray(at, at + x.len));
    at += x.len;
  }
  return s.map((x) => x.pfn);
}

/** The outcome of one recvmsg: its return value and the pages written outside RX. */
export interface AeadResult {
  readonly ret: number;
  /** Pages outside the receive buffer the decryption wrote (the in-place tag pages). */
  readonly strayWrites: readonly Pfn[];
}

/** Runs _aead_recvmsg() for a decryption; see the module comment. */
export function algifAeadDecrypt(
  ctx: ModelCtx,
  tx: SgTable,
  rx: SgTable,
  assoclen: number,
  authsize: number,
): AeadResult {
  const txe = live(tx), rxe = live(rx);
  const used = total(txe);
  // aead_sufficient_data(): the AAD and the tag must be there; authencesn needs 8 bytes of AAD
  if (used < assoclen + authsize || assoclen < 8) return { ret: -22, strayWrites: [] };
  const outlen = used - authsize;
  if (total(rxe) < outlen) return { ret: -22, strayWrites: [] };
  // AAD and ciphertext into the receive buffer (memcpy_sglist / the null skcipher copy)
  write(ctx, spans(ctx, rxe, 0, outlen), read(ctx, spans(ctx, txe, 0, outlen)));
  const hiseq = read(ctx, spans(ctx, rxe, 4, 4));
  if (ctx.profile.has("algif_aead_out_of_place")) {
    // the scratch stays in the receive buffer (e02494114ebf: not past it either)
    return { ret: -74, strayWrites: [] };
  }
  // in place: RX for the AAD and ciphertext, then the TX entries that hold the tag
  const dst = [...spans(ctx, rxe, 0, outlen), ...spans(ctx, txe, outlen, authsize)];
  const scratch: Span[] = [];
  let pos = 0, need = 4;
  for (const x of dst) {
    const end = pos + x.len;
    if (end > outlen && need > 0) {
      const skip = Math.max(0, outlen - pos);
      const n = Math.min(x.len - skip, need);
      scratch.push({ pfn: x.pfn, offset: x.offset + skip, len: n });
      need -= n;
    }
    pos = end;
  }
  const rxPages = new Set(spans(ctx, rxe, 0, total(rxe)).map((x) => x.pfn));
  const written = write(ctx, scratch, hiseq);
  return { ret: -74, strayWrites: written.filter((p) => !rxPages.has(p)) };
}
