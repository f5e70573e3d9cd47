/**
 * Kernel-era profiles. Every behaviour that differs between releases is one row of
 * {@link FEATURES}; a profile is the set of rows in force for a release. Code asks
 * `profile.has("name")`, never compares versions itself.
 *
 * @module
 */

/** A mainline release as [major, minor]; "latest" is everything modelled. */
export type Release = readonly [number, number];

/** The newest release the model knows of; "latest" means this plus every later change. */
export const LATEST: Release = [7, 99];

/** One era-dependent behaviour: in force for releases in [since, until). */
export interface Feature {
  readonly since?: Release;
  readonly until?: Release;
  /** What changed, and the kernel commit or series that changed it. */
  readonly what: string;
}

/** The table of era differences. */
export const FEATURES = {
  iter_ubuf: { since: [6, 0], what: "ITER_UBUF kind (fcb14cb1bdac, Al Viro 2022)" },
  get_pages2: {
    since: [6, 0],
    what: "iov_iter_get_pages2/_alloc2 advance the iterator; the non-advancing originals go",
  },
  get_pages_noadvance: {
    until: [6, 0],
    what: "iov_iter_get_pages/_alloc, which do not advance the iterator (replaced in 6.0)",
  },
  extract_pages: {
    since: [6, 3],
    what: "iov_iter_extract_pages, iov_iter_extract_will_pin, netfs/smbdirect extraction",
  },
  import_iovec_ubuf: {
    since: [6, 4],
    what: "single-segment import_iovec yields ITER_UBUF (3b2deb0e46da)",
  },
  iter_pipe: { until: [6, 5], what: "ITER_PIPE (removed by 'iov_iter: Kill ITER_PIPE', 6.5)" },
  zero_page_unpinned: {
    since: [6, 5],
    what: "pin_user_pages does not count pins on the shared zero page",
  },
  extract_user_to_sg_loop_fix: {
    since: [6, 3],
    what:
      "netfs_extract_user_to_sg fills the sg entries ('iov: Fix netfs_extract_user_to_sg()', 6.3-rc, and 'netfs: Fix netfs_extract_iter_to_sg() for ITER_UBUF/IOVEC', 0bcc4025550): in the 6.3 merge window the loop over pages never ran; no release shipped it",
  },
  extract_to_sg_unpin: {
    since: [6, 5],
    what: "extract_user_to_sg rolls back with unpin_user_page (put_page before mid-2023)",
  },
  extract_to_sg_zero_fail: {
    since: [6, 10],
    what:
      "extract_user_to_sg treats a 0 extraction as failure (before the April 2024 fix it looped forever; release inferred)",
  },
  smb_rdma_xarray: {
    since: [6, 3],
    until: [6, 12],
    what: "smb_extract_iter_to_rdma handles ITER_XARRAY (replaced by ITER_FOLIOQ in 6.12)",
  },
  bio_merge_same_page: {
    until: [7, 0],
    what:
      "bio_iov_iter_get_pages merges pages into the previous bvec and drops the extra pin of a same-page merge (before Hellwig's 2026 series, 12da89e8844a; release inferred)",
  },
  extract_skip_empty_fix: {
    since: [6, 6],
    what:
      "KVEC/BVEC extraction steps over an empty segment at the current position (f741bd7178c9; before it a call returned 0 with count unchanged)",
  },
  iter_folioq: { since: [6, 12], what: "ITER_FOLIOQ kind (db0aa2e9566f)" },
  bvec_extract_multi: {
    since: [6, 13],
    what: "BVEC extraction may span several bvecs (e4e535bff2bc)",
  },
  slab_refcount_frozen: {
    since: [6, 15],
    what: "slab pages have refcount 0: get_page WARNs, put_page ignores them",
  },
  is_aligned: {
    since: [6, 0],
    until: [6, 18],
    what: "iov_iter_is_aligned (removed by 'iov_iter: remove iov_iter_is_aligned', 6.18)",
  },
  aligned_bvec_full_len: {
    since: [6, 9],
    until: [6, 15],
    what:
      "iov_iter_aligned_bvec tests the current bvec's full bv_len, not bv_len - iov_offset (Axboe's 2024 rewrite until 'iov_iter: Use iov_offset for length calculation in iov_iter_aligned_bvec', 2025)",
  },
  bvec_extract_maxpages_check: {
    since: [7, 1],
    what:
      "multi-bvec extraction refuses maxpages 0 with -ENOMEM (eea815a087cd, queued 2026; release inferred)",
  },
  xarray_extract_hole_fix: {
    since: [7, 1],
    what:
      "XARRAY extraction with a hole at the first index returns 0 instead of maxsize bytes and no pages (72c00e84e611, queued 2026; release inferred)",
  },
  kvec_to_sg_len_fix: {
    since: [7, 1],
    what:
      "extract_kvec_to_sg sets each entry to its page's length and counts only what it placed ('lib/scatterlist: fix length calculations in extract_kvec_to_sg', CVE-2026-46289; release inferred)",
  },
  sg_max_zero_fix: {
    since: [7, 1],
    what: "extract_iter_to_sg honours sg_max 0 (07b7d66e65d9, 2026; release inferred)",
  },
  xarray_to_sg_offset_fix: {
    since: [7, 1],
    what:
      "extract_xarray_to_sg derives each folio's offset from the current position, not the original start (132e70406412, queued 2026; release inferred)",
  },
  netfs_limit_kvec: {
    since: [7, 1],
    what:
      "netfs_limit_iter handles ITER_KVEC (2026, after a 9p coredump hit its BUG(); release inferred)",
  },
  bio_align_after_build: {
    since: [6, 18],
    what:
      "bio_iov_iter_get_pages aligns the whole bio down to the block size after building it instead of trimming each extraction ('block: align the bio after building it', Keith Busch)",
  },
  dio_align_in_bio: {
    since: [6, 18],
    what:
      "direct I/O vector alignment is checked while building bios, not up front with iov_iter_is_aligned (Keith Busch, 2025)",
  },
  folioq_boundary_fix: {
    since: [6, 17],
    what: "iterate_folioq skips a slot whose iov_offset equals the folio size (808471ddb0fa)",
  },
} as const satisfies Record<string, Feature>;

/** Names of the era-dependent behaviours. */
export type FeatureName = keyof typeof FEATURES;

/** The behaviour of one kernel release. */
export interface KernelProfile {
  /** The release as written in the trace ("6.12", "latest"). */
  readonly name: string;
  readonly release: Release;
  readonly pageSize: number;
  /** Whether a behaviour of {@link FEATURES} is in force. */
  has(feature: FeatureName): boolean;
}

/** MAX_RW_COUNT: INT_MAX rounded down to a page (include/linux/fs.h). */
export function maxRwCount(pageSize: number): number {
  return 0x7fffffff - (0x7fffffff % pageSize);
}

/** UIO_MAXIOV (include/uapi/linux/uio.h). */
export const UIO_MAXIOV = 1024;
/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h). */
export const GUP_PIN_COUNTING_BIAS = 1024;
/** TASK_SIZE_MAX on x86-64 with 4-level paging: the end of user space. */
export const TASK_SIZE_MAX = 0x7ffffffff000n;

/** Compares two releases. */
export function compareRelease(a: Release, b: Release): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** Parses "X.Y" or "latest"; returns undefined when malformed. */
export function parseRelease(text: string): Release | undefined {
  if (text === "latest") return LATEST;
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2])];
}

/** Whether `feature` is in force in `release`. */
export function featureIn(feature: FeatureName, release: Release): boolean {
  const f: Feature = FEATURES[feature];
  if (f.since && compareRelease(release, f.since) < 0) return false;
  if (f.until && compareRelease(release, f.until) >= 0) return false;
  return true;
}

/** Builds the profile of a release. */
export function kernelProfile(name: string, pageSize = 4096): KernelProfile {
  const release = parseRelease(name);
  if (!release) throw new RangeError(`Cannot parse kernel release "${name}"`);
  const cache = new Map<FeatureName, boolean>();
  return {
    name,
    release,
    pageSize,
    has(feature) {
      let v = cache.get(feature);
      if (v === undefined) cache.set(feature, v = featureIn(feature, release));
      return v;
    },
  };
}

/**
 * Describes why an op is unavailable in an era: the release that added or removed it.
 * Returns undefined when `feature` is in force.
 */
export function notInEraReason(feature: FeatureName, p: KernelProfile): string | undefined {
  if (p.has(feature)) return undefined;
  const f: Feature = FEATURES[feature];
  if (f.since && compareRelease(p.release, f.since) < 0) {
    return `added in ${f.since[0]}.${f.since[1]}, kernel is ${p.name}`;
  }
  return `removed in ${f.until![0]}.${f.until![1]}, kernel is ${p.name}`;
}

/** Whether an era condition such as ">=6.3 <6.5" holds for `release`. */
export function whenHolds(cond: string | undefined, release: Release): boolean {
  if (!cond) return true;
  for (const m of cond.matchAll(/(>=|<=|>|<|==|=)?\s*(\d+\.\d+|latest)/g)) {
    const r = parseRelease(m[2])!;
    const c = compareRelease(release, r);
    const op = m[1] ?? "==";
    const ok = op === ">="
      ? c >= 0
      : op === "<="
      ? c <= 0
      : op === ">"
      ? c > 0
      : op === "<"
      ? c < 0
      : c === 0;
    if (!ok) return false;
  }
  return true;
}
