/**
 * The warning catalogue: a closed set of codes, each with ONE severity (what the kernel BUGs
 * on, WARNs on, or silently gets wrong), a one-line title, the kernel functions and changes
 * behind it, and the structured fields a warning of that code carries. A detection that
 * needs another severity is another code. `itertrace explain [CODE]` prints the catalogue.
 *
 * Raising a warning is type-checked against its entry: `warn("revert_too_large",
 * {iter, unroll}, message)` must give exactly the entry's fields with their types, and
 * there is no way to pass a severity.
 *
 * @module
 */
import type { Severity } from "../types.ts";

export type { Severity };

/** The facts a warning can carry: name, JSON type and meaning (shared by every code). */
export const FIELDS = {
  fn: { type: "string", doc: "the kernel function (or replayed op) that detected it" },
  iter: { type: "string", doc: "the iterator's trace name" },
  kind: { type: "string", doc: "the iterator's kind (ubuf, iovec, kvec, bvec, ...)" },
  dir: { type: "string", doc: "the iterator's direction (source or dest)" },
  list: { type: "string", doc: "the page list, sg table, SGE array or bio concerned" },
  sgt: { type: "string", doc: "the sg table concerned" },
  region: { type: "string", doc: "the memory region concerned" },
  pipe: { type: "string", doc: "the pipe concerned" },
  memory: { type: "string", doc: "the kind of kernel memory (kmalloc, slab, vmalloc, ...)" },
  addr: { type: "string", doc: "the user or kernel address, hex" },
  held: { type: "string", doc: "what the entry held: pin, ref or none" },
  release: { type: "string", doc: "how it was released: put (put_page) or unpin" },
  how: { type: "string", doc: "what the revert did to the pipe buffer: released or shortened" },
  arg: { type: "string", doc: "the argument refused" },
  ret: { type: "number", doc: "the call's return value (a negative errno)" },
  value: { type: "number", doc: "the refused argument's value" },
  entry: { type: "number", doc: "index of the entry concerned" },
  nents: { type: "number", doc: "entries in the table" },
  capacity: { type: "number", doc: "entries the table has room for" },
  used: { type: "number", doc: "entries in use when the limit was hit" },
  limit: { type: "number", doc: "the limit (max_sge, max_num_sg, ...)" },
  pages: { type: "number", doc: "number of pages concerned" },
  bytes: { type: "number", doc: "bytes concerned" },
  offset: { type: "number", doc: "offset in the page or folio" },
  unroll: { type: "number", doc: "bytes the revert asked for" },
  beyond: { type: "number", doc: "bytes the revert goes before the iterator's start" },
  below: { type: "number", doc: "bytes the revert goes below the pipe's start_head" },
  advanced: { type: "number", doc: "bytes the iterator advanced" },
  described: { type: "number", doc: "bytes the entries added describe" },
  maxsize: { type: "number", doc: "bytes asked for" },
  count: { type: "number", doc: "bytes the iterator held" },
  taken: { type: "number", doc: "bytes the walk took" },
  returned: { type: "number", doc: "step at which the owning syscall returned" },
  unlocked: { type: "number", doc: "step at which the pipe was unlocked" },
} as const satisfies Record<string, { type: "string" | "number"; doc: string }>;

/** A field name. */
export type FieldName = keyof typeof FIELDS;

/** One catalogue entry. */
export interface WarningInfo {
  /** The code's one severity: `bug`, `warn` or `hazard`. */
  readonly severity: Severity;
  /** One line. */
  readonly title: string;
  /** What the kernel does and why it matters. */
  readonly explain: string;
  /** Kernel functions and fixes involved. */
  readonly kernel: readonly string[];
  /** The structured facts every warning of this code carries (names from FIELDS). */
  readonly fields: readonly FieldName[];
  /**
   * The code this one was split from (for one severity per code); an expectation naming
   * that code still matches this one, so traces written before the split keep passing.
   */
  readonly was?: string;
}

/** The catalogue, keyed by code. */
export const WARNINGS = {
  array_leak: {
    severity: "hazard",
    title: "a page array the extraction allocated is never freed",
    explain:
      "Called with *pages == NULL, iov_iter_extract_pages() kvmallocs the page array and the caller kvfrees it. Until 72698020e15d (7.2) iov_iter_extract_user_pages() returned the pinning error without freeing the array it had just allocated: every failed extraction leaked it.",
    kernel: [
      "lib/iov_iter.c iov_iter_extract_user_pages()",
      "72698020e15d iov_iter: Fix a memory leak in iov_iter_extract_user_pages() (7.2)",
    ],
    fields: ["iter", "ret"],
  },
  scratch_overlap: {
    severity: "bug",
    title: "extract_user_to_sg's page-pointer scratch array overlaps sg entries in use",
    explain:
      "extract_user_to_sg() decants the extracted page pointers into the tail of the sg entries it may fill. Before 118cf3f55975 (7.1; stable 6.6.140, 6.12.88, 6.18.30, 7.0.7) that tail was computed from the start of the table, not from its first free entry: with nents > 0 the pointers land on live entries, or entries written in the loop overwrite pointers not yet read, so a later entry gets a garbage page.",
    kernel: [
      "lib/scatterlist.c extract_user_to_sg()",
      "118cf3f55975 lib/scatterlist: fix temp buffer in extract_user_to_sg() (7.1)",
    ],
    fields: ["sgt", "entry"],
  },
  dma_unmap_mismatch: {
    severity: "bug",
    title: "an error cleanup unmaps a DMA mapping it did not make, or leaves one it made",
    explain:
      "When mapping a piece fails (ib_dma_mapping_error), smb_extract_iter_to_rdma() unmaps the SGEs it added in this call. From 6.3 (e5fbdde43017) to 7.0 it indexed them as sge[nr_sge--]: the first unmap hits the slot one past the last entry filled (stale contents, or past the array when the list was full) and the first new entry is never unmapped, a leaked IOMMU mapping. c207f1d78504 'smbdirect: Fix error cleanup in smbdirect_map_sges_from_iter()' (7.1-rc4) walks the new entries themselves.",
    kernel: [
      "fs/smb/client/smbdirect.c smb_extract_iter_to_rdma() (6.3-7.0)",
      "fs/smb/smbdirect/connection.c smbdirect_map_sges_from_iter() (7.1+)",
      "c207f1d78504 smbdirect: Fix error cleanup in smbdirect_map_sges_from_iter() (7.1)",
    ],
    fields: ["fn", "list", "entry"],
  },
  count_underflow: {
    severity: "bug",
    title: "a caller's unsigned arithmetic on iter->count wraps",
    explain:
      "Callers that trim an iterator by writing its count (iter->count -= shorten, then += shorten) must keep the trim below the count. bch2_direct_IO_read() (bcachefs, 6.7) computed shorten = count - round_up(len, block size) in size_t: for a read shorter than a block it wrapped, and the count became the rounded length, larger than the user's buffer, so the direct read wrote past it. b58b1b883b9b (6.8-rc6) sets shorten to 0 when it is not below the count.",
    kernel: [
      "fs/bcachefs/fs-io-direct.c bch2_direct_IO_read()",
      "b58b1b883b9b bcachefs: fix iov_iter count underflow on sub-block dio read (6.8)",
    ],
    fields: ["fn", "iter", "count", "bytes"],
  },
  page_cache_write: {
    severity: "bug",
    title: "a crypto or DMA write lands in a page-cache page that came in by splice",
    explain:
      "Splicing a file into a socket (MSG_SPLICE_PAGES) hands the file's page-cache pages themselves to the receiver; extract_iter_to_sg() puts them into a scatterlist without copying. They may only be read. From 4.14 (72548b093ee3) algif_aead decrypted in place: it copied the AAD and ciphertext into the receive buffer and chained the TX entries holding the tag after it as the destination, so authencesn's 4-byte scratch write at the end of the destination went into the spliced page-cache page, a file the caller may only read (CVE-2026-31431, Copy Fail: a setuid binary's cached text rewritten 4 bytes at a time). a664bf3d603d (7.0-rc7; stable 6.12.85) decrypts out of place.",
    kernel: [
      "crypto/algif_aead.c _aead_recvmsg()",
      "crypto/authencesn.c crypto_authenc_esn_decrypt()",
      "lib/scatterlist.c extract_iter_to_sg()",
      "a664bf3d603d crypto: algif_aead - Revert to operating out-of-place (7.0)",
    ],
    fields: ["fn", "region", "bytes"],
  },
  misaligned_bio: {
    severity: "bug",
    title: "a bio with a bvec off the device's DMA alignment reaches a driver",
    explain:
      "From 6.18 (5ff3f74e145a, 7eac33186957) direct I/O no longer checks the user vectors against the queue's dma_alignment before building the bio and relies on blk-mq's split check at submission. Bio-based drivers do not necessarily run that check and stacking drivers do not always handle a misalignment found after submission, so a misaligned segment reaches the driver. 14b007e17881 (7.3) checks every user segment while extracting and fails with -EINVAL.",
    kernel: [
      "block/blk-merge.c bio_split_rw_at()",
      "block/bio.c bio_iov_iter_get_pages()",
      "14b007e17881 block: validate user space vectors during extraction (7.3)",
    ],
    fields: ["list", "entry", "offset", "bytes"],
  },
  pin_leak: {
    severity: "hazard",
    title: "a FOLL_PIN pin is still held at the end of the replay",
    explain:
      "Pages pinned by pin_user_pages*/iov_iter_extract_pages must be released with unpin_user_page(s). A pinned page cannot be migrated or compacted and stays 'maybe DMA-pinned' forever.",
    kernel: ["mm/gup.c pin_user_pages_fast()", "lib/iov_iter.c iov_iter_extract_pages()"],
    fields: ["pages"],
  },
  unpin_not_pinned: {
    severity: "bug",
    title: "unpin of a page that holds no matching pin",
    explain:
      "unpin_user_page subtracts GUP_PIN_COUNTING_BIAS (small folios) or decrements _pincount (large folios); without a pin the refcount underflows and the page may be freed under its owner.",
    kernel: ["mm/gup.c unpin_user_page()", "mm/gup.c gup_put_folio()"],
    fields: ["fn", "list"],
  },
  double_unpin: {
    severity: "bug",
    title: "a page is unpinned more times than it was pinned",
    explain:
      "Releasing the same pin twice underflows the pin count: the classic case is a page merged twice into one bio and released per bvec (fixed by 'block: fix pin count management when merging same-page segments', 2023).",
    kernel: ["mm/gup.c unpin_user_pages()", "block/bio.c bio_release_pages()"],
    fields: ["fn", "list"],
  },
  double_free: {
    severity: "bug",
    title: "a kmalloc allocation is kfreed twice",
    explain:
      "kfree() of an object already on the slab freelist corrupts it: with CONFIG_SLAB_FREELIST_HARDENED set_freepointer() BUGs on the naive double free, KASAN reports a double-free, otherwise the object is handed out twice. (vfree() twice is double_vfree, a WARN.)",
    kernel: ["mm/slub.c set_freepointer()"],
    fields: ["region"],
  },
  release_mismatch: {
    severity: "hazard",
    title: "a page is released with the wrong API (put_page on a pin, unpin on a ref)",
    explain:
      "put_page on a pinned small folio drops 1 of the 1024 bias and the pin stays forever; unpin on a ref subtracts 1024 from a refcount that never had it.",
    kernel: ["include/linux/mm.h put_page()", "mm/gup.c unpin_user_page()"],
    fields: ["fn", "list", "held", "release"],
  },
  ref_on_kernel_memory: {
    severity: "hazard",
    title: "a page ref or pin is taken on kernel memory behind a KVEC",
    explain:
      "kmalloc, slab, vmalloc, stack and rodata memory is not governed by page refcounts: kfree/vfree free it regardless, and slab pages have a frozen refcount from 6.15. iov_iter_get_pages refuses KVEC for this reason.",
    kernel: [
      "lib/iov_iter.c __iov_iter_get_pages_alloc()",
      "mm: Decline to manipulate the refcount on a slab page (2025)",
    ],
    fields: ["iter", "memory"],
  },
  pin_unpinnable: {
    severity: "hazard",
    title: "an attempt to pin memory that cannot be pinned",
    explain:
      "VM_IO/VM_PFNMAP mappings, device memory and kernel memory have no pinnable struct page; GUP fails with -EFAULT.",
    kernel: ["mm/gup.c check_vma_flags()", "mm/gup.c follow_page_pte()"],
    fields: ["fn", "addr"],
  },
  object_freed_while_extracted: {
    severity: "hazard",
    title: "a kernel object is freed while pages extracted from it are still in use",
    explain:
      "Extraction from KVEC/BVEC/XARRAY/FOLIOQ holds nothing: the creator must keep the memory alive until the I/O completes.",
    kernel: ["lib/iov_iter.c iov_iter_extract_pages() kernel-doc"],
    fields: ["fn", "region", "list"],
  },
  iter_used_after_return: {
    severity: "hazard",
    title: "an iterator is used after the syscall that owned it returned",
    explain:
      "The iovec array and often the iov_iter itself live on the caller's stack; after -EIOCBQUEUED or the syscall's return they are gone. Async I/O must first convert them (netfs_extract_user_iter).",
    kernel: ["fs/netfs/iterator.c netfs_extract_user_iter()", "fs/direct-io.c"],
    fields: ["fn", "iter", "returned"],
  },
  pipe_premature_claim: {
    severity: "hazard",
    title: "a PIPE extraction claimed bytes that were never written",
    explain:
      "get_pages on ITER_PIPE grows the pipe before the data exists; if the splice returns having written less, readers see unwritten bytes.",
    kernel: ["lib/iov_iter.c pipe_get_pages()", "Howells, Oct 2022"],
    fields: ["pipe", "bytes"],
  },
  pipe_release_under_io: {
    severity: "bug",
    title: "a PIPE revert or advance freed a buffer's page while it is under I/O",
    explain:
      "Reverting ITER_PIPE frees the pipe's buffers; a bio still targeting one whose page no ref keeps alive writes into a freed page (the 2023 O_DIRECT splice corruption). With a ref held, or a buffer only shortened, it is pipe_buffer_under_io.",
    kernel: ["lib/iov_iter.c pipe_truncate()", "syzbot a440341a59e3b7142895"],
    fields: ["fn", "iter", "list"],
  },
  pipe_head_skew: {
    severity: "warn",
    title: "the PIPE iterator position no longer equals the end of the pipe's data",
    explain: "sanity() in lib/iov_iter.c WARNs and the operation fails.",
    kernel: ["lib/iov_iter.c sanity()"],
    fields: ["fn", "iter"],
  },
  pipe_revert_below_start: {
    severity: "warn",
    title: "a PIPE iterator reverted below its start_head",
    explain: "Reverting more than was written into the pipe by this iterator.",
    kernel: ["lib/iov_iter.c iov_iter_revert()"],
    fields: ["iter", "unroll", "below"],
  },
  pipe_wrong_use: {
    severity: "warn",
    title: "an operation ITER_PIPE does not support",
    explain: "Source operations, dup_iter and extraction on ITER_PIPE WARN and fail.",
    kernel: ["lib/iov_iter.c"],
    fields: ["fn", "iter"],
  },
  pipe_use_after_unlock: {
    severity: "hazard",
    title: "a PIPE iterator is used after the splice call returned",
    explain: "The pipe lock is dropped when splice returns; the iterator is stale.",
    kernel: ["fs/splice.c"],
    fields: ["fn", "iter", "pipe", "unlocked"],
  },
  over_advance: {
    severity: "hazard",
    title: "the iterator advanced further than the list built from it describes",
    explain:
      "Bytes consumed from the iterator must equal bytes placed in pages/sg entries/SGEs; extract_kvec_to_sg advanced by the whole kvec when it ran out of sg_max (CVE-2026-46289).",
    kernel: ["lib/scatterlist.c extract_kvec_to_sg()"],
    fields: ["fn", "iter", "advanced", "described"],
  },
  extract_beyond_count: {
    severity: "hazard",
    title: "an extraction asked for more than the iterator holds",
    explain:
      "maxsize is clamped to count; callers that rely on the request size leak pins (netfs) or stay advanced after rollback (extract_iter_to_sg).",
    kernel: [
      "fs/netfs/iterator.c netfs_extract_user_iter()",
      "lib/scatterlist.c extract_iter_to_sg()",
    ],
    fields: ["fn", "iter", "maxsize", "count"],
  },
  segment_limit: {
    severity: "warn",
    title: "more entries were needed than the array, table or queue pair allows",
    explain: "sg_max, max_sge, max_frmr_depth or bio max_vecs reached: the list is cut short.",
    kernel: ["lib/scatterlist.c extract_iter_to_sg()", "fs/smb/client/smbdirect.c"],
    fields: ["fn", "list", "used", "limit"],
  },
  frwr_gap: {
    severity: "warn",
    title: "an interior sg entry is not page-aligned and not DMA-contiguous (FRWR gap)",
    explain: "ib_sg_to_pages stops at the gap: only a prefix of the table is registered.",
    kernel: ["drivers/infiniband/core/verbs.c ib_sg_to_pages()"],
    fields: ["sgt", "entry", "nents"],
  },
  direction_mismatch: {
    severity: "warn",
    title: "a copy against the iterator's direction",
    explain:
      "copy_to_iter needs ITER_DEST and copy_from_iter ITER_SOURCE; the kernel WARNs once and copies nothing.",
    kernel: ["lib/iov_iter.c _copy_to_iter()", "lib/iov_iter.c _copy_from_iter()"],
    fields: ["fn", "iter", "dir"],
  },
  revert_beyond_origin: {
    severity: "bug",
    title: "an iterator reverted before its start",
    explain:
      "UBUF and XARRAY BUG(); vector kinds walk before their array (undefined); more than MAX_RW_COUNT WARNs and does nothing.",
    kernel: ["lib/iov_iter.c iov_iter_revert()"],
    fields: ["iter", "kind", "unroll", "beyond"],
  },
  unsupported_kind: {
    severity: "warn",
    title: "an operation given an iterator kind it does not support",
    explain:
      "get_pages on KVEC/DISCARD (-EFAULT), gap_alignment on non-IOVEC (WARN, ~0U), save/restore on XARRAY/FOLIOQ/DISCARD (WARN), conversions of the wrong kind (-EIO).",
    kernel: ["lib/iov_iter.c", "lib/scatterlist.c extract_iter_to_sg()"],
    fields: ["fn", "iter", "kind"],
  },
  extract_over_return: {
    severity: "bug",
    title: "an extraction returned more bytes than it was asked for",
    explain:
      "iov_iter_extract_pages() returns at most maxsize bytes; callers size their buffers and skb frags by what they asked. e4e535bff2bc (multi-bvec BVEC extraction, in linux-next from next-20241030) set its bvec walk's size to maxsize plus the offset already consumed in the current bvec, so it returned and advanced past maxsize (syzbot: a GPF in UDP sendpage via splice). Dumazet's 7bc802acf193 capped it on 1 Nov 2024; 341468e0ab4b replaced that with the right walk size before 6.13, so no release shipped it.",
    kernel: [
      "lib/iov_iter.c iov_iter_extract_bvec_pages()",
      "341468e0ab4b lib/iov_iter: fix bvec iterator setup (6.13; next-20241104)",
    ],
    fields: ["fn", "iter", "maxsize", "taken"],
  },
  zero_result_loop: {
    severity: "bug",
    title: "a caller loops forever on an extraction that returns 0",
    explain:
      "Before 2024 extract_user_to_sg looped forever when extraction returned 0: asked for more than the iterator held, it drained it and then spun, never leaving the kernel. smb_extract_folioq_to_rdma (6.12 until a379a8a2a003: 6.16, 6.12.35, 6.15.4) spun the same way once its bytes were used up before the folio queue's end: each pass took a 0-byte part at the same place and mapped it into the next SGE, past the array.",
    kernel: [
      "lib/scatterlist.c extract_user_to_sg()",
      "fs/smb/client/smbdirect.c smb_extract_folioq_to_rdma() (6.12-6.15)",
    ],
    fields: ["fn", "iter"],
  },
  bad_maxpages: {
    severity: "warn",
    title: "an extraction with maxpages 0",
    explain: "The page array is sized 0: WARN and -ENOMEM.",
    kernel: ["lib/iov_iter.c want_pages_array()"],
    fields: ["iter"],
  },
  missing_dirty: {
    severity: "hazard",
    title: "pages written by DMA are released without being dirtied",
    explain:
      "After a read into user pages, unpin_user_pages_dirty_lock(..., true) must mark them dirty or reclaim may drop the data.",
    kernel: ["mm/gup.c unpin_user_pages_dirty_lock()"],
    fields: ["fn", "list"],
  },
  long_held_pin: {
    severity: "hazard",
    title: "extraction pins held long-term",
    explain:
      "iov_iter_extract_pages never uses FOLL_LONGTERM; pins kept indefinitely block migration, CMA and hot-unplug.",
    kernel: ["mm/gup.c", "lib/iov_iter.c iov_iter_extract_user_pages()"],
    fields: ["list", "pages"],
  },
  p2p_without_flag: {
    severity: "warn",
    title: "a P2P page extracted without ITER_ALLOW_P2PDMA",
    explain: "GUP refuses PCI P2PDMA pages unless FOLL_PCI_P2PDMA is set: -EREMOTEIO.",
    kernel: ["mm/gup.c", "lib/iov_iter.c iov_iter_extract_user_pages()"],
    fields: ["fn", "addr"],
  },
  fork_under_dma_ref: {
    severity: "hazard",
    title: "fork while a page is held for a DMA read by a plain ref, not a pin",
    explain:
      "A FOLL_GET ref does not stop fork's copy-on-write from giving the parent a fresh page on its next write while the device still writes the old one: the data is lost or lands in the child. Pinned pages are detected at fork and copied for the child instead; this is why direct I/O pins (kernel-semantics.md 3.4).",
    kernel: ["mm/memory.c copy_present_page()", "mm/gup.c", "block/bio.c bio_iov_iter_get_pages()"],
    fields: ["list", "pages"],
  },
  invalid_argument: {
    severity: "warn",
    title: "an argument the kernel refuses with a WARN and -EINVAL",
    explain:
      "sg_alloc_append_table_from_pages WARNs and returns -EINVAL when max_segment rounds down below a page or when an append passes a non-zero offset.",
    kernel: ["lib/scatterlist.c sg_alloc_append_table_from_pages()"],
    fields: ["fn", "arg", "value"],
  },
  page_copy_range: {
    severity: "warn",
    title: "a page copy whose offset and length run past the folio",
    explain:
      "copy_page_to_iter/copy_page_from_iter check with page_copy_sane() that offset + bytes lies inside the (possibly large) folio; otherwise they WARN and copy nothing.",
    kernel: ["lib/iov_iter.c page_copy_sane()", "lib/iov_iter.c copy_page_to_iter()"],
    fields: ["fn", "offset", "bytes"],
  },
  bvec_past_region: {
    severity: "bug",
    title: "a bio_vec runs past the memory behind its page",
    explain:
      "iov_iter_bvec() and iov_iter_bvec_queue() take bio_vecs on trust: iterate_bvec() walks bv_page + offset / PAGE_SIZE for as long as bv_len lasts and nothing compares bv_offset + bv_len with the allocation bv_page belongs to. A bvec longer than its buffer, or one spanning pages that are not physically contiguous, makes copies and extractions through the iterator read or write the frames that follow: an out-of-bounds access KASAN reports on slab memory and that otherwise corrupts another owner's data.",
    kernel: [
      "lib/iov_iter.c iov_iter_bvec()",
      "include/linux/iov_iter.h iterate_bvec()",
      "include/linux/bvec.h struct bio_vec",
    ],
    fields: ["region", "offset", "bytes"],
  },
  mixed_retention: {
    severity: "hazard",
    title: "pinned and unpinned pages under one cleanup mode",
    explain:
      "A bio flag, will_pin or orig_nents rollback applies one release to all entries; mixing kinds gets the wrong release for some.",
    kernel: ["block/bio.c bio_release_pages()", "lib/scatterlist.c extract_iter_to_sg()"],
    fields: ["fn", "list"],
  },
  revert_too_large: {
    severity: "warn",
    title: "an iterator reverted by more than MAX_RW_COUNT",
    explain:
      "iov_iter_revert() refuses an unroll above MAX_RW_COUNT (INT_MAX rounded down to a page) with WARN_ON and does nothing: the caller's count is now out of step with the iterator. (Split from revert_beyond_origin, which is a BUG; expectations naming revert_beyond_origin still match it.)",
    kernel: ["lib/iov_iter.c iov_iter_revert()"],
    fields: ["iter", "unroll"],
    was: "revert_beyond_origin",
  },
  maxpages_unchecked: {
    severity: "hazard",
    title: "an extraction with maxpages 0 that the kind does not check",
    explain:
      "BVEC extraction before the check was added, and the posted BVECQ extraction, size the page array with want_pages_array() but do not test its 0: one page pointer is stored past an empty array (through ZERO_SIZE_PTR if it was allocated). Nothing WARNs. (Split from bad_maxpages, the checked -ENOMEM case; expectations naming bad_maxpages still match it.)",
    kernel: ["lib/iov_iter.c iter_bvec_get_pages()", "lib/iov_iter.c want_pages_array()"],
    fields: ["iter", "kind"],
    was: "bad_maxpages",
  },
  unsupported_kind_bug: {
    severity: "bug",
    title: "a function BUG()s on an iterator kind it does not support",
    explain:
      "netfs_limit_iter() handles BVEC, KVEC, XARRAY (and FOLIOQ from 6.12) and ends in BUG() for anything else. (Split from unsupported_kind, the WARN-and-fail case; expectations naming unsupported_kind still match it.)",
    kernel: ["fs/netfs/iterator.c netfs_limit_iter()"],
    fields: ["fn", "iter", "kind"],
    was: "unsupported_kind",
  },
  count_wrap: {
    severity: "bug",
    title: "a walk subtracts more from iter->count than it holds, and the count wraps",
    explain:
      "The FOLIOQ walkers (extract_folioq_to_sg, smb_extract_folioq_to_rdma) walk maxsize bytes of folios and do iter->count -= ret unchecked; when maxsize exceeds the count the size_t wraps and a later operation walks off the queue. (Split from over_advance; expectations naming over_advance still match it.)",
    kernel: ["lib/scatterlist.c extract_folioq_to_sg()", "fs/smb/client/smbdirect.c"],
    fields: ["iter", "taken", "count"],
    was: "over_advance",
  },
  sg_overrun: {
    severity: "bug",
    title: "extract_iter_to_sg writes past the end of the scatterlist array",
    explain:
      "extract_iter_to_sg() trusts sg_max; a caller passing more than the table's room makes it write sg entries past the array's end. (Split from segment_limit, where the list is cut short safely; expectations naming segment_limit still match it.)",
    kernel: ["lib/scatterlist.c extract_iter_to_sg()"],
    fields: ["sgt", "entry", "capacity"],
    was: "segment_limit",
  },
  folioq_past_end: {
    severity: "warn",
    title: "a FOLIOQ walk starts past the last slot of its folio queue",
    explain:
      "smb_extract_folioq_to_rdma() (6.12) and smbdirect_map_sges_from_folioq() (7.1-7.3) move to the next folio_queue segment when the iterator's slot is at or past the current segment's last; with no next segment they WARN_ON_ONCE and return -EIO, mapping nothing. An iterator advanced to its very end sits there (the advance leaves folioq_slot == nr_slots on the last segment), so a call after its bytes are used up fails with -EIO instead of returning 0.",
    kernel: [
      "fs/smb/client/smbdirect.c smb_extract_folioq_to_rdma() (6.12-7.0)",
      "fs/smb/common/smbdirect smbdirect_map_sges_from_folioq() (7.1-7.3)",
    ],
    fields: ["fn", "iter"],
  },
  sge_overrun: {
    severity: "bug",
    title: "an SGE is written past max_sge: the ib_sge array is overrun",
    explain:
      "smb_extract_iter_to_rdma()'s smb_set_sge() (fs/smb/client/smbdirect.c, 6.3-7.0) fills rdma->sge[nr_sge] without looking at max_sge, and the cifs send path's array has exactly max_sge slots: every entry written at or past max_sge corrupts what follows it. A list already full on entry gets one; smb_extract_folioq_to_rdma() from 6.12 until a379a8a2a003 'smb: client: fix max_sge overflow in smb_extract_folioq_to_rdma()' (6.16; 6.12.35, 6.15.4) walked on to the queue's end whatever nr_sge was ('Fix netfs_writepages crash with smbdirect/RDMA'). smbdirect_map_sges_from_iter() (7.1) refuses a full list with -EIO instead.",
    kernel: [
      "fs/smb/client/smbdirect.c smb_set_sge(), smb_extract_folioq_to_rdma() (6.3-7.0)",
      "a379a8a2a003 smb: client: fix max_sge overflow in smb_extract_folioq_to_rdma() (6.16)",
    ],
    fields: ["fn", "list", "entry", "limit"],
  },
  pipe_buffer_under_io: {
    severity: "hazard",
    title:
      "a PIPE revert or advance dropped or shortened a buffer still under I/O (its page kept alive)",
    explain:
      "Reverting ITER_PIPE truncates the pipe: a buffer still targeted by a bio is shortened (the device's data past its new end is lost to readers) or released while a ref keeps its page alive (the data lands in a page no longer in the pipe). Nothing is corrupted, data is lost. (Split from pipe_release_under_io, the write into a freed page; expectations naming pipe_release_under_io still match it.)",
    kernel: ["lib/iov_iter.c pipe_truncate()"],
    fields: ["fn", "iter", "list", "how"],
    was: "pipe_release_under_io",
  },
  ref_underflow: {
    severity: "bug",
    title: "put_page drops a reference that was never taken or was already dropped",
    explain:
      "A put_page() without a matching get underflows the refcount: the page is freed while its owner still uses it. (Split from release_mismatch, a release with the wrong API; expectations naming release_mismatch still match it.)",
    kernel: ["include/linux/mm.h put_page()"],
    fields: ["fn", "list"],
    was: "release_mismatch",
  },
  double_vfree: {
    severity: "warn",
    title: "a vmalloc area is vfreed twice",
    explain:
      "vfree() of an area already freed finds no vm area: it WARNs 'Trying to vfree() nonexistent vm area' and does nothing. (Split from double_free, the kfree case that corrupts the slab; expectations naming double_free still match it.)",
    kernel: ["mm/vmalloc.c vfree()"],
    fields: ["region"],
    was: "double_free",
  },
} as const satisfies Record<string, WarningInfo>;

/** A warning code. */
export type WarningCode = keyof typeof WARNINGS;

/** The TypeScript type of a field's values. */
export type FieldValue<N extends FieldName> = (typeof FIELDS)[N]["type"] extends "number" ? number
  : string;

/** The fields a warning of code `C` carries, typed from its catalogue entry. */
export type WarningFields<C extends WarningCode> = {
  readonly [N in (typeof WARNINGS)[C]["fields"][number]]: FieldValue<N>;
};

/** A warning of code `C`: its severity is the catalogue's, its facts are `fields`. */
export interface WarningOf<C extends WarningCode> {
  /** The code, from the closed catalogue. */
  readonly code: C;
  /** Always `WARNINGS[code].severity`. */
  readonly severity: (typeof WARNINGS)[C]["severity"];
  /** The message, in English, for people. */
  readonly message: string;
  /** Index of the step that detected it; undefined for end-of-replay detections. */
  readonly step: number | undefined;
  /** Index of the step that created the object at fault. */
  readonly cause: number | undefined;
  /** The page concerned, by its trace name. */
  readonly page?: string;
  /** The code's structured facts (an extension of the trace format's warning object). */
  readonly fields: WarningFields<C>;
}

/** A warning raised by a step (or by the end of the replay): a union closed over the codes. */
export type Warning = { [C in WarningCode]: WarningOf<C> }[WarningCode];

/** Where a warning was found and what it is tied to (not its severity: that is the code's). */
export interface WarnDetail {
  /** Step that created the object at fault. */
  readonly cause?: number;
  /** Page concerned, by trace name. */
  readonly page?: string;
}

/** How a warning is raised: the fields must be the code's, exactly. */
export type WarnFn = <C extends WarningCode>(
  code: C,
  fields: NoInfer<WarningFields<C>>,
  message: string,
  detail?: WarnDetail,
) => void;

/** Builds a warning with its code's severity. */
export function makeWarning<C extends WarningCode>(
  code: C,
  fields: WarningFields<C>,
  message: string,
  step: number | undefined,
  detail?: WarnDetail,
): Warning {
  const w: WarningOf<C> = {
    code,
    severity: WARNINGS[code].severity,
    message,
    step,
    cause: detail?.cause,
    ...(detail?.page !== undefined ? { page: detail.page } : {}),
    fields,
  };
  // a WarningOf<C> for the C given is a member of the union; TS cannot see it through C
  return w as unknown as Warning;
}

/** Whether a string is a known warning code. */
export function isWarningCode(s: string): s is WarningCode {
  return Object.hasOwn(WARNINGS, s);
}

/** Whether an expectation naming `expected` matches a warning of `actual` (or its `was`). */
export function codeMatches(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const info: WarningInfo | undefined = isWarningCode(actual) ? WARNINGS[actual] : undefined;
  return info?.was === expected;
}
