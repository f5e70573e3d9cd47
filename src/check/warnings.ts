/**
 * The warning catalogue: a closed set of codes, each with its severity (what the kernel
 * BUGs on, WARNs on, or silently gets wrong), a one-line title, and the kernel functions
 * and changes behind it. `itertrace explain CODE` prints an entry.
 *
 * @module
 */
import type { Severity } from "../types.ts";

/** One catalogue entry. */
export interface WarningInfo {
  readonly severity: Severity;
  readonly title: string;
  /** What the kernel does and why it matters. */
  readonly explain: string;
  /** Kernel functions and fixes involved. */
  readonly kernel: readonly string[];
}

/** The catalogue, keyed by code. */
export const WARNINGS = {
  array_leak: {
    severity: "hazard",
    title: "a page array the extraction allocated is never freed",
    explain:
      "Called with *pages == NULL, iov_iter_extract_pages() kvmallocs the page array and the caller kvfrees it. Until 11cf15dacff6 (7.2) iov_iter_extract_user_pages() returned the pinning error without freeing the array it had just allocated: every failed extraction leaked it.",
    kernel: [
      "lib/iov_iter.c iov_iter_extract_user_pages()",
      "11cf15dacff6 iov_iter: Fix a memory leak in iov_iter_extract_user_pages() (7.2)",
    ],
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
  },
  pin_leak: {
    severity: "hazard",
    title: "a FOLL_PIN pin is still held at the end of the replay",
    explain:
      "Pages pinned by pin_user_pages*/iov_iter_extract_pages must be released with unpin_user_page(s). A pinned page cannot be migrated or compacted and stays 'maybe DMA-pinned' forever.",
    kernel: ["mm/gup.c pin_user_pages_fast()", "lib/iov_iter.c iov_iter_extract_pages()"],
  },
  unpin_not_pinned: {
    severity: "bug",
    title: "unpin of a page that holds no matching pin",
    explain:
      "unpin_user_page subtracts GUP_PIN_COUNTING_BIAS (small folios) or decrements _pincount (large folios); without a pin the refcount underflows and the page may be freed under its owner.",
    kernel: ["mm/gup.c unpin_user_page()", "mm/gup.c gup_put_folio()"],
  },
  double_unpin: {
    severity: "bug",
    title: "a page is unpinned more times than it was pinned",
    explain:
      "Releasing the same pin twice underflows the pin count: the classic case is a page merged twice into one bio and released per bvec (fixed by 'block: fix pin count management when merging same-page segments', 2023).",
    kernel: ["mm/gup.c unpin_user_pages()", "block/bio.c bio_release_pages()"],
  },
  double_free: {
    severity: "bug",
    title: "a kernel allocation is freed twice",
    explain:
      "kfree() of an object already on the slab freelist corrupts it: with CONFIG_SLAB_FREELIST_HARDENED set_freepointer() BUGs on the naive double free, KASAN reports a double-free, otherwise the object is handed out twice. vfree() of an area already freed finds no vm area and WARNs 'Trying to vfree() nonexistent vm area'.",
    kernel: ["mm/slub.c set_freepointer()", "mm/vmalloc.c vfree()"],
  },
  release_mismatch: {
    severity: "hazard",
    title: "a page is released with the wrong API (put_page on a pin, unpin on a ref)",
    explain:
      "put_page on a pinned small folio drops 1 of the 1024 bias and the pin stays forever; unpin on a ref subtracts 1024 from a refcount that never had it.",
    kernel: ["include/linux/mm.h put_page()", "mm/gup.c unpin_user_page()"],
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
  },
  pin_unpinnable: {
    severity: "hazard",
    title: "an attempt to pin memory that cannot be pinned",
    explain:
      "VM_IO/VM_PFNMAP mappings, device memory and kernel memory have no pinnable struct page; GUP fails with -EFAULT.",
    kernel: ["mm/gup.c check_vma_flags()", "mm/gup.c follow_page_pte()"],
  },
  object_freed_while_extracted: {
    severity: "hazard",
    title: "a kernel object is freed while pages extracted from it are still in use",
    explain:
      "Extraction from KVEC/BVEC/XARRAY/FOLIOQ holds nothing: the creator must keep the memory alive until the I/O completes.",
    kernel: ["lib/iov_iter.c iov_iter_extract_pages() kernel-doc"],
  },
  iter_used_after_return: {
    severity: "hazard",
    title: "an iterator is used after the syscall that owned it returned",
    explain:
      "The iovec array and often the iov_iter itself live on the caller's stack; after -EIOCBQUEUED or the syscall's return they are gone. Async I/O must first convert them (netfs_extract_user_iter).",
    kernel: ["fs/netfs/iterator.c netfs_extract_user_iter()", "fs/direct-io.c"],
  },
  pipe_premature_claim: {
    severity: "hazard",
    title: "a PIPE extraction claimed bytes that were never written",
    explain:
      "get_pages on ITER_PIPE grows the pipe before the data exists; if the splice returns having written less, readers see unwritten bytes.",
    kernel: ["lib/iov_iter.c pipe_get_pages()", "Howells, Oct 2022"],
  },
  pipe_release_under_io: {
    severity: "bug",
    title: "a PIPE revert or advance released a buffer whose page is under I/O",
    explain:
      "Reverting ITER_PIPE frees the pipe's buffers; a bio still targeting them writes into freed pages (the 2023 O_DIRECT splice corruption).",
    kernel: ["lib/iov_iter.c pipe_truncate()", "syzbot a440341a59e3b7142895"],
  },
  pipe_head_skew: {
    severity: "warn",
    title: "the PIPE iterator position no longer equals the end of the pipe's data",
    explain: "sanity() in lib/iov_iter.c WARNs and the operation fails.",
    kernel: ["lib/iov_iter.c sanity()"],
  },
  pipe_revert_below_start: {
    severity: "warn",
    title: "a PIPE iterator reverted below its start_head",
    explain: "Reverting more than was written into the pipe by this iterator.",
    kernel: ["lib/iov_iter.c iov_iter_revert()"],
  },
  pipe_wrong_use: {
    severity: "warn",
    title: "an operation ITER_PIPE does not support",
    explain: "Source operations, dup_iter and extraction on ITER_PIPE WARN and fail.",
    kernel: ["lib/iov_iter.c"],
  },
  pipe_use_after_unlock: {
    severity: "hazard",
    title: "a PIPE iterator is used after the splice call returned",
    explain: "The pipe lock is dropped when splice returns; the iterator is stale.",
    kernel: ["fs/splice.c"],
  },
  over_advance: {
    severity: "hazard",
    title: "the iterator advanced further than the list built from it describes",
    explain:
      "Bytes consumed from the iterator must equal bytes placed in pages/sg entries/SGEs; extract_kvec_to_sg advanced by the whole kvec when it ran out of sg_max (CVE-2026-46289).",
    kernel: ["lib/scatterlist.c extract_kvec_to_sg()"],
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
  },
  segment_limit: {
    severity: "warn",
    title: "more entries were needed than the array, table or queue pair allows",
    explain: "sg_max, max_sge, max_frmr_depth or bio max_vecs reached: the list is cut short.",
    kernel: ["lib/scatterlist.c extract_iter_to_sg()", "fs/smb/client/smbdirect.c"],
  },
  frwr_gap: {
    severity: "warn",
    title: "an interior sg entry is not page-aligned and not DMA-contiguous (FRWR gap)",
    explain: "ib_sg_to_pages stops at the gap: only a prefix of the table is registered.",
    kernel: ["drivers/infiniband/core/verbs.c ib_sg_to_pages()"],
  },
  direction_mismatch: {
    severity: "warn",
    title: "a copy against the iterator's direction",
    explain:
      "copy_to_iter needs ITER_DEST and copy_from_iter ITER_SOURCE; the kernel WARNs once and copies nothing.",
    kernel: ["lib/iov_iter.c _copy_to_iter()", "lib/iov_iter.c _copy_from_iter()"],
  },
  revert_beyond_origin: {
    severity: "bug",
    title: "an iterator reverted before its start",
    explain:
      "UBUF and XARRAY BUG(); vector kinds walk before their array (undefined); more than MAX_RW_COUNT WARNs and does nothing.",
    kernel: ["lib/iov_iter.c iov_iter_revert()"],
  },
  unsupported_kind: {
    severity: "warn",
    title: "an operation given an iterator kind it does not support",
    explain:
      "get_pages on KVEC/DISCARD (-EFAULT), gap_alignment on non-IOVEC (WARN, ~0U), save/restore on XARRAY/FOLIOQ/DISCARD (WARN), conversions of the wrong kind (-EIO).",
    kernel: ["lib/iov_iter.c", "lib/scatterlist.c extract_iter_to_sg()"],
  },
  zero_result_loop: {
    severity: "hazard",
    title: "a caller loops on an extraction that returns 0",
    explain: "Before 2024 extract_iter_to_sg looped forever when extraction returned 0.",
    kernel: ["lib/scatterlist.c extract_user_to_sg()"],
  },
  bad_maxpages: {
    severity: "warn",
    title: "an extraction with maxpages 0",
    explain: "The page array is sized 0: WARN and -ENOMEM.",
    kernel: ["lib/iov_iter.c want_pages_array()"],
  },
  missing_dirty: {
    severity: "hazard",
    title: "pages written by DMA are released without being dirtied",
    explain:
      "After a read into user pages, unpin_user_pages_dirty_lock(..., true) must mark them dirty or reclaim may drop the data.",
    kernel: ["mm/gup.c unpin_user_pages_dirty_lock()"],
  },
  long_held_pin: {
    severity: "hazard",
    title: "extraction pins held long-term",
    explain:
      "iov_iter_extract_pages never uses FOLL_LONGTERM; pins kept indefinitely block migration, CMA and hot-unplug.",
    kernel: ["mm/gup.c", "lib/iov_iter.c iov_iter_extract_user_pages()"],
  },
  p2p_without_flag: {
    severity: "warn",
    title: "a P2P page extracted without ITER_ALLOW_P2PDMA",
    explain: "GUP refuses PCI P2PDMA pages unless FOLL_PCI_P2PDMA is set: -EREMOTEIO.",
    kernel: ["mm/gup.c", "lib/iov_iter.c iov_iter_extract_user_pages()"],
  },
  fork_under_dma_ref: {
    severity: "hazard",
    title: "fork while a page is held for a DMA read by a plain ref, not a pin",
    explain:
      "A FOLL_GET ref does not stop fork's copy-on-write from giving the parent a fresh page on its next write while the device still writes the old one: the data is lost or lands in the child. Pinned pages are detected at fork and copied for the child instead; this is why direct I/O pins (kernel-semantics.md 3.4).",
    kernel: ["mm/memory.c copy_present_page()", "mm/gup.c", "block/bio.c bio_iov_iter_get_pages()"],
  },
  invalid_argument: {
    severity: "warn",
    title: "an argument the kernel refuses with a WARN and -EINVAL",
    explain:
      "sg_alloc_append_table_from_pages WARNs and returns -EINVAL when max_segment rounds down below a page or when an append passes a non-zero offset.",
    kernel: ["lib/scatterlist.c sg_alloc_append_table_from_pages()"],
  },
  page_copy_range: {
    severity: "warn",
    title: "a page copy whose offset and length run past the folio",
    explain:
      "copy_page_to_iter/copy_page_from_iter check with page_copy_sane() that offset + bytes lies inside the (possibly large) folio; otherwise they WARN and copy nothing.",
    kernel: ["lib/iov_iter.c page_copy_sane()", "lib/iov_iter.c copy_page_to_iter()"],
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
  },
  mixed_retention: {
    severity: "hazard",
    title: "pinned and unpinned pages under one cleanup mode",
    explain:
      "A bio flag, will_pin or orig_nents rollback applies one release to all entries; mixing kinds gets the wrong release for some.",
    kernel: ["block/bio.c bio_release_pages()", "lib/scatterlist.c extract_iter_to_sg()"],
  },
} as const satisfies Record<string, WarningInfo>;

/** A warning code. */
export type WarningCode = keyof typeof WARNINGS;

/** A warning raised by a step (or by the end of the replay when `step` is undefined). */
export interface Warning {
  readonly code: WarningCode;
  readonly severity: Severity;
  readonly message: string;
  /** Index of the step that detected it; undefined for end-of-replay detections. */
  readonly step: number | undefined;
  /** Index of the step that created the object at fault. */
  readonly cause: number | undefined;
  /** The page concerned, by its trace name. */
  readonly page?: string;
}

/** Whether a string is a known warning code. */
export function isWarningCode(s: string): s is WarningCode {
  return Object.hasOwn(WARNINGS, s);
}
