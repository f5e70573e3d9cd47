/**
 * The era table: every behaviour that differs between kernel releases, with the kernel
 * functions it affects, the commit that introduced it and the one that ended it (12-hex id
 * and subject), the first mainline release of each, the stable releases each was backported
 * to, the evidence the release was placed from, and the verdict of the December 2026 audit.
 * `itertrace eras` prints it; src/profile.ts answers `profile.has(name)` from it.
 *
 * Evidence ids like "id 66630127464" are search-index ids of the mail or page that shows
 * the fact (git post-receive mails of torvalds/linux, linux-next, vfs; stable review mails;
 * OSV). "source" means the release's own kernel source was read on both sides.
 *
 * @module
 */
import { rc, type Release } from "./release.ts";

/** One commit that starts or ends a behaviour. */
export interface Change {
  /** The 12-hex mainline commit id; absent where only the subject could be confirmed. */
  readonly commit?: string;
  readonly subject: string;
  /** First mainline release containing it ("7.0"). */
  readonly release: string;
  /** Stable point releases it was backported to ("6.12.88"): in force from these on. */
  readonly backports?: readonly string[];
  /** Merge tag, linux-next/fs-current snapshot and -rc of that week, stable or OSV mail. */
  readonly evidence: string;
  /**
   * The first linux-next snapshot carrying it ("next-20241030"), where the record shows it:
   * in a snapshot of the weeks before `release`, the row's start (or end) is in force from
   * this snapshot on (src/profile.ts NEXT_SNAPSHOTS).
   */
  readonly next?: string;
}

/** One era-dependent behaviour: in force for releases in [since, until). */
export interface Feature {
  readonly since?: Release;
  readonly until?: Release;
  /** What changes, in the kernel's words. */
  readonly what: string;
  /** Kernel functions whose modelled behaviour this row changes. */
  readonly functions: readonly string[];
  readonly introduced?: Change;
  readonly ended?: Change;
  /** The audit's verdict: kept (verified where it was), moved (placed one release off), new. */
  readonly audit: { readonly verdict: "kept" | "moved" | "new"; readonly note: string };
}

/** The table of era differences. */
export const FEATURES = {
  iter_ubuf: {
    since: [6, 0],
    what: "ITER_UBUF: a single user range as an iterator kind",
    functions: ["iov_iter_ubuf", "import_ubuf"],
    introduced: {
      commit: "fcb14cb1bdac",
      subject: "new iov_iter flavour - ITER_UBUF",
      release: "6.0",
      evidence: "Al Viro's iov_iter series, merged in the 6.0 merge window (Aug 2022)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: fcb14cb1bdac is the id later mainline fixes cite (Fixes: tags, ids 2602221985, 41553087222); Al Viro's work.iov_iter for the 6.0 window (id 11912021920); 5.19 has no ITER_UBUF, 6.0 does",
    },
  },
  get_pages2: {
    since: [6, 0],
    what: "iov_iter_get_pages2/_alloc2 advance the iterator past what they return",
    functions: ["iov_iter_get_pages2", "iov_iter_get_pages_alloc2"],
    introduced: {
      commit: "1ef255e25717",
      subject: "iov_iter: advancing variants of iov_iter_get_pages{,_alloc}()",
      release: "6.0",
      evidence:
        "[PATCH 23/31] <20220618053538.359065-24-viro@zeniv.linux.org.uk> (id 11352776547); block.git conflict thread for the 6.0 window (id 11771826896); rebased ids differ between trees; 1ef255e25717 is the id in the trees that mirror Linus' master in the 6.0 window (palmer/linux master 10 Aug 2022, id 66541047446, with eba2d3d79829)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: mainline id now cited; 6.0 window (10 Aug 2022 master mirror, id 66541047446)",
    },
  },
  get_pages_noadvance: {
    until: [6, 0],
    what: "iov_iter_get_pages/_alloc return pages without advancing the iterator",
    functions: ["iov_iter_get_pages", "iov_iter_get_pages_alloc"],
    ended: {
      commit: "eba2d3d79829",
      subject: "get rid of non-advancing variants",
      release: "6.0",
      evidence:
        "same series as get_pages2 (PATCH 42/44, id 11587584163); eba2d3d79829 in the 6.0-window master mirror (id 66541047446) and cited by id in a later block fix list (id 45651534697)",
    },
    audit: { verdict: "kept", note: "verified: mainline id now cited, 6.0" },
  },
  extract_pages: {
    since: [6, 3],
    what: "iov_iter_extract_pages and iov_iter_extract_will_pin; netfs and smbdirect extraction",
    functions: [
      "iov_iter_extract_pages",
      "iov_iter_extract_will_pin",
      "netfs_extract_user_iter",
      "extract_iter_to_sg",
      "smb_extract_iter_to_rdma",
    ],
    introduced: {
      commit: "7d58fe731028",
      subject: "iov_iter: Add a function to extract a page list from an iterator",
      release: "6.3",
      next: "next-20230227",
      evidence:
        "dhowells iov-extract-3 branch (Jan 2023); merged in the 6.3 merge window: in Linus' master with the iov-extract/cifs stack merged as 307e14c03906 \"Merge tag '6.3-rc-smb3-client-fixes'\" by 23 Feb 2023 (a tree following master pushed 7d58fe731028, 018584697533, e5fbdde43017 and that merge at 18:00 UTC, id 67520234777), so in every linux-next snapshot from then on; the earliest modelled is next-20230227 (the next-20230224 push is not in the record)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 7d58fe731028 is the id later fixes name (Fixes: tags, ids 40033741499, 56261849522, 60173599605) and is in the 6.3-window lists with the splice/extract series (id 66633474107); 6.12.118 source has it, 6.1.192 source has no extraction",
    },
  },
  import_iovec_ubuf: {
    since: [6, 4],
    what: "a single-segment import_iovec yields ITER_UBUF",
    functions: ["import_iovec"],
    introduced: {
      commit: "3b2deb0e46da",
      subject: "iov_iter: import single vector iovecs as ITER_UBUF",
      release: "6.4",
      evidence:
        "Jens Axboe [PATCH 11/11] (30 Mar 2023, id 1833595707); 3b2deb0e46da in the v6.4-window merge list (id 66547434474) and cited by a later Fixes: tag (id 35997265730)",
    },
    audit: { verdict: "kept", note: "verified: 3b2deb0e46da, 6.4 window" },
  },
  ubuf_nr_segs_one: {
    since: [6, 4],
    what: "iov_iter_ubuf() sets nr_segs to 1 (0 before: the initializer left it unset)",
    functions: ["iov_iter_ubuf", "import_single_range"],
    introduced: {
      commit: "cd0bd57a9de5",
      subject: "iov_iter: set nr_segs = 1 for ITER_UBUF",
      release: "6.4",
      evidence:
        "Jens Axboe's [GIT PULL] Turn single vector imports into ITER_UBUF for 6.4-rc1 (id 2305221640); mainline logs list the id (id 67655220000)",
    },
    audit: {
      verdict: "new",
      note:
        "source: 6.1.192 include/linux/uio.h iov_iter_ubuf() has no .nr_segs, 6.12.118 sets .nr_segs = 1; the 6.1.192 UML KUnit run printed nr_segs 0 after iov_iter_ubuf (fixtures/kunit/6.1)",
    },
  },
  iter_pipe: {
    until: [6, 5],
    what: "ITER_PIPE: iterators over a pipe's buffer ring",
    functions: ["iov_iter_pipe", "iov_iter_get_pages", "copy_page_to_iter", "iov_iter_advance"],
    ended: {
      commit: "3fc40265ae2b",
      subject: "iov_iter: Kill ITER_PIPE",
      release: "6.5",
      evidence:
        "Howells' splice series (v18 09/15, id 2084149573; cover id 2552319350), applied to axboe for-6.5/splice and merged into for-6.5/block (linux-next next-20230525 lists 3fc40265ae2b after c6585011bc1d 'splice: Remove generic_file_splice_read()', id 66927278232); Howells links torvalds/linux.git commit 3fc40265ae2b as merged by Linus (id 35562481809) and a later mainline commit message names it (id 46763364494): the 6.5 merge window. An earlier copy for 6.4 (a53f5dee3448 in the block tree, linux-next conflicts ids 36727874562, 36741545158) was reverted before 6.4 (bf2c6799f68c, id 23534075605)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 6.5, mainline id 3fc40265ae2b now cited (the record had only the reverted 6.4 block-tree copy); source both sides: Debian's 6.1.192 include/linux/uio.h has ITER_PIPE (type 3), 6.12.118 has no ITER_PIPE in uio.h or lib/iov_iter.c (ITER_XARRAY is type 3 from 6.5, as the same mail says)",
    },
  },
  zero_page_unpinned: {
    since: [6, 5],
    what: "pin_user_pages does not count pins on the shared zero page",
    functions: ["pin_user_pages_fast", "iov_iter_extract_pages", "unpin_user_page"],
    introduced: {
      commit: "c8070b787519",
      subject: "mm: Don't pin ZERO_PAGE in pin_user_pages()",
      release: "6.5",
      backports: ["6.1.130"],
      evidence:
        "splice series for 6.5 (lore 20230526214142.958751-2-dhowells@redhat.com); measured on 6.18.44 (fixtures/pins, e_ksmzero); backported to 6.1.y as 476c1dfefab8 in 6.1.130 (Debian bugs 1102889/1102914 bisected to it, id 17201181903; the follow-up fix for that backport names v6.1.130, ids 11537819950, 40215762997); Debian's 6.1.192 source has it",
    },
    audit: {
      verdict: "moved",
      note:
        "6.5 kept; the 6.1.y backport is 6.1.130 (was 6.1.192, the first release read, not the first carrying it)",
    },
  },
  extract_user_to_sg_loop_fix: {
    since: [6, 3],
    what:
      "netfs_extract_user_to_sg fills the sg entries (in the 6.3 merge window the loop over pages never ran; no release shipped it)",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "4c0421fa6df1",
      subject: "iov: Fix netfs_extract_user_to_sg()",
      release: "6.3",
      next: "next-20230228",
      evidence:
        "[PATCH 2/2] 27 Feb 2023 (id 30041413894; Fixes 018584697533, found by smatch on master 1ec35eadc3b4: the kernel test robot's report of 26 Feb quotes the loop `for (; npages < 0; npages--)`, id 29154360199), in Steve French's cifs fixes pull for 6.3-rc (id 42073073469), merged as 3162745aad93 '6.3-rc-smb3-client-fixes-part2' before v6.3-rc1 (id 67297697563); 4c0421fa6df1 in the lists of that window (ids 66460480929, 66463115964); first in linux-next next-20230228 as the cifs tree's 41ed96d4ea4e (the linux-next-history push of 28 Feb 2023 lists it among its new commits, id 67125454049; dhowells' iov-cifs push with it came on 28 Feb 22:34 UTC, id 67180032114)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 4c0421fa6df1 in 6.3-rc; the loop that never ran shipped in no tag: it is in the linux-next snapshot next-20230227 (bug 16, traces/gallery/16-*), fixed from next-20230228; source: the buggy loop as the kernel test robot quoted it from master (id 29154360199), the fix's diff (id 30041413894)",
    },
  },
  extract_to_sg_unpin: {
    since: [6, 5],
    what: "extract_user_to_sg rolls back with unpin_user_page (put_page before)",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "f5f82cd18732",
      subject: "Move netfs_extract_iter_to_sg() to lib/scatterlist.c",
      release: "6.5",
      evidence:
        "net-next for 6.5 with the AF_ALG splice work (series ids 4889087278, 5129471637; linux-next conflict with asm-generic, id 39634313978); f5f82cd18732 is the id a later Fixes: tag cites (id 25061974640)",
    },
    audit: { verdict: "kept", note: "verified: f5f82cd18732, 6.5" },
  },
  extract_to_sg_zero_fail: {
    since: [6, 9],
    what:
      "extract_user_to_sg treats a 0 extraction as failure (before, a 0 from iov_iter_extract_pages left maxsize unchanged and the loop spun forever)",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "6a30653b604a",
      subject: "Fix a potential infinite loop in extract_user_to_sg()",
      release: "6.9",
      backports: ["6.6.31", "6.8.10"],
      evidence:
        "[PATCH net] <1967121.1714034372@warthog.procyon.org.uk> (25 Apr 2024, id 22742249059; Fixes 85dd2c8ff368 and f5f82cd18732); in Linus' tree among the 6.9-rc6 merges (id 67315979307), syzbot built 6.9.0-rc5-00157-g6a30653b604a (id 42873289357): 6.9; stable review 6.6.31-rc1 patch 054/301 (id 25090063519) and 6.8.10-rc1 patch 052/336 (id 25844935581), 14 May 2024; no 6.1.y (6.1 has no extract_user_to_sg)",
    },
    audit: {
      verdict: "moved",
      note:
        "was 6.10 with no id (release inferred from the date); source both sides: the diff's old side (lib/scatterlist.c 68b45c82c37a, 6.9-rc5 and 6.6.30) tests res < 0, its new side res <= 0, as Debian's 6.12.118 extract_user_to_sg does",
    },
  },
  smb_rdma_xarray: {
    since: [6, 3],
    until: [6, 12],
    what: "smb_extract_iter_to_rdma handles ITER_XARRAY (ITER_FOLIOQ replaces it in 6.12)",
    functions: ["smb_extract_iter_to_rdma"],
    introduced: {
      commit: "e5fbdde43017",
      subject: "cifs: Add a function to build an RDMA SGE list from an iterator",
      release: "6.3",
      evidence:
        "cifs iov_iter conversion for 6.3; e5fbdde43017 is the id Howells' 2026 fix names in its Fixes: tag (id 61388644143); in Linus' master with the iov-extract/cifs stack merged as 307e14c03906 \"Merge tag '6.3-rc-smb3-client-fixes'\" by 23 Feb 2023 (a tree following master pushed 7d58fe731028, 018584697533, e5fbdde43017 and that merge at 18:00 UTC, id 67520234777), so in every linux-next snapshot from then on; no linux-next entry is recorded for this row (no trace replays smbdirect in a snapshot), so the modelled snapshots of 6.2 leave it out",
    },
    ended: {
      commit: "4aa571d67e81",
      subject: "cifs: Don't support ITER_XARRAY",
      release: "6.12",
      evidence:
        "Howells' netfs read/write series [PATCH 24/24] (29 Jul 2024, id 5657215937), in vfs.netfs next to db0aa2e9566f and c45ebd636c32 'cifs: Provide the capability to extract from ITER_FOLIOQ to RDMA SGEs' (6.12-window lists, ids 65975527122, 65716640522); a linux-next conflict mail names 4aa571d67e81 from the vfs-brauner tree (id 46563478301)",
    },
    audit: {
      verdict: "kept",
      note:
        "start commit corrected to e5fbdde43017 (the cited subject was a caller conversion); end verified: 4aa571d67e81 in the 6.12 netfs series; source both sides: the diff's old side (fs/smb/client/smbdirect.c 52acead63d9d, 6.11) has case ITER_XARRAY -> smb_extract_xarray_to_rdma, Debian's 6.12.118 smb_extract_iter_to_rdma has BVEC, KVEC and FOLIOQ only",
    },
  },
  smb_extract_iter_to_rdma_fn: {
    since: [6, 3],
    until: [7, 1],
    what:
      "cifs's smb_extract_iter_to_rdma maps an iterator straight into ib_sge entries (7.1 moves it into the common smbdirect code as smbdirect_map_sges_from_iter)",
    functions: ["smb_extract_iter_to_rdma"],
    introduced: {
      commit: "e5fbdde43017",
      subject: "cifs: Add a function to build an RDMA SGE list from an iterator",
      release: "6.3",
      evidence:
        "merge tag '6.3-rc-smb3-client-fixes' (Steve French) lists it; in Linus' master with the iov-extract/cifs stack merged as 307e14c03906 \"Merge tag '6.3-rc-smb3-client-fixes'\" by 23 Feb 2023 (a tree following master pushed 7d58fe731028, 018584697533, e5fbdde43017 and that merge at 18:00 UTC, id 67520234777), so in every linux-next snapshot from then on; no linux-next entry is recorded for this row (no trace replays smbdirect in a snapshot), so the modelled snapshots of 6.2 leave it out",
    },
    ended: {
      commit: "e5fd091663f8",
      subject: "smb: client: make use of smbdirect_map_sges_from_iter()",
      release: "7.1",
      evidence:
        "Metzmacher v4 074/145 (25 Nov 2025, id 11192467968); merged with the common smbdirect series by 3cd8b194bf34 \"Merge tag 'v7.1-rc-part1-smbdirect-fixes'\": both in a mirror of Linus' tree pushed 20 Apr 2026, the 7.1 merge window (ids 66856444324, 66426485710); linux-next carried rebased ids from Feb 2026 (2c812fe27cac, id 66257368616)",
    },
    audit: {
      verdict: "new",
      note:
        "the 7.1 rename had no row; end now cites the client conversion e5fd091663f8 (was the merge); source: Debian's 6.12.118 fs/smb/client/smbdirect.c defines smb_extract_iter_to_rdma, the v4 074 patch replaces its uses with the common smbdirect_map_sges_from_iter",
    },
  },
  smb_folioq_max_sge_fix: {
    since: [6, 16],
    what:
      "smb_extract_folioq_to_rdma stops at max_sge or when maxsize is used up (before, its loop went on while nr_sge < max_sge OR maxsize > 0 and never lowered maxsize: it mapped folio pieces past the end of the SGE array until the queue ended, and with the bytes used up before the queue's end it mapped zero-length pieces forever)",
    functions: ["smb_extract_iter_to_rdma", "smb_extract_folioq_to_rdma"],
    introduced: {
      commit: "a379a8a2a003",
      subject: "smb: client: fix max_sge overflow in smb_extract_folioq_to_rdma()",
      release: "6.16",
      backports: ["6.12.35", "6.15.4"],
      evidence:
        "Metzmacher's [PATCH 0/2] 'smb: client: fix problems with smbdirect/rdma mounts' (18 Jun 2025, id 30553198333), reviewed by Howells and Talpey ('Looks like it happened between 6.11 and 6.12', ids 30598665663, 30600942950); pull 'v6.16-rc2-smb3-client-fixes' ('Fix netfs_writepages crash with smbdirect/RDMA', 20 Jun 2025, id 27490670591), a379a8a2a003 in Linus' tree next to 'erofs-for-6.16-rc3-fixes' and 'io_uring-6.16-20250621' (id 66721309551): 6.16-rc3, so 6.16 (the 6.16 -rcs are not modelled); stable: '[PATCH 6.12 000/414] 6.12.35-rc1 review' lists it (23 Jun 2025, id 35401755708; linux-6.12.y push as c7a6dba749a3, id 66751420535), '6.15.4-rc2' lists it (id 35072995546; linux-6.15.y push as e5ca1c4e61a7, 26 Jun 2025, id 67083049256); 6.13.y and 6.14.y had ended ('the LAST 6.14.y release', 6.14.11, 10 Jun 2025, id 47720299979); the bug came with c45ebd636c32 'cifs: Provide the capability to extract from ITER_FOLIOQ to RDMA SGEs' (6.12, id 21147139791)",
    },
    audit: {
      verdict: "new",
      note:
        "source both sides: the 6.12 patch that added smb_extract_folioq_to_rdma (id 21147139791) and the fix's quoted old side end the do-loop with 'nr_sge < max_sge || maxsize > 0' and take part = umin(maxsize - ret, ...) without lowering maxsize; Debian's 6.12.118 (fs/smb/client/smbdirect.c, after the 6.12.35 backport) ends it with '&&' and lowers maxsize by each part; the 7.1 common copy (smbdirect_map_sges_from_folioq, v4 patch 025, id 3320976943) has the fixed '&&' loop",
    },
  },

  algif_aead_out_of_place: {
    since: [7, 0],
    what:
      "algif_aead decrypts out of place: the destination is the receive buffer only (before, the TX entries holding the tag, spliced page-cache pages included, were chained after it and written to)",
    functions: ["algif_aead_recvmsg"],
    introduced: {
      commit: "a664bf3d603d",
      subject: "crypto: algif_aead - Revert to operating out-of-place",
      release: "7.0",
      backports: ["6.6.137", "6.12.85", "6.18.22", "6.19.12"],
      evidence:
        "herbert/crypto-2.6 master 3 Apr 2026 with tag v7.0-p4, next to e02494114ebf 'crypto: authencesn - Do not place hiseq at end of dst for out-of-place decryption' (id 67527305636), pulled for 7.0-rc7; in Linus' tree lists (ids 66530062041, 67177038678); CVE-2026-31431 (published 22 Apr 2026); 6.12.y: 6.12.85 (8b88d99341f1, id 54550331476, list id 66222174484); OSV CVE-2026-31431 (id 68355811409): affected >=4.14 <5.10.254, >=5.11 <5.15.204, >=5.16 <6.1.170, >=6.2 <6.6.137, >=6.7 <6.12.85, >=6.13 <6.18.22, >=6.19 <6.19.12, so also 6.6.137, 6.18.22 and 6.19.12 (stable pushes ids 66687360680, 66130981669); 5.15.204 and 6.1.170 are not carried here: the model's TX path (extract_iter_to_sg with MSG_SPLICE_PAGES) starts at 6.5 and no trace reaches those series, so 5.15.y/6.1.y stay modelled in place",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 7.0 and, from OSV, the stable releases of every modelled series from 6.5 on (was 6.12.85 only); bug 3 of kernel-2026.md section 3; the in-place path dates from 72548b093ee3 (4.14), so every modelled release before 7.0 has it; the splice path through extract_iter_to_sg is 6.5+",
    },
  },
  bcachefs: {
    since: [6, 7],
    until: [6, 18],
    what: "bcachefs is in mainline: its direct I/O path (bch2_direct_IO_read) exists",
    functions: ["bch2_direct_IO_read"],
    introduced: {
      commit: "9e8770528966",
      subject: "Merge tag 'bcachefs-2023-10-30' of https://evilpiepirate.org/git/bcachefs",
      release: "6.7",
      evidence:
        "torvalds merge 9e8770528966 in the 6.7 merge window (30 Oct 2023; ids 65997484384, 34347122533)",
    },
    ended: {
      commit: "f2c61db29f27",
      subject: "Remove bcachefs core code",
      release: "6.18",
      evidence:
        "torvalds/linux, 29 Sep 2025, between the vfs-6.18-rc1 merges (ids 66620374260, 67068753059): the 6.18 merge window",
    },
    audit: {
      verdict: "new",
      note: "needed for bug 20; both merges read in the torvalds post-receive lists",
    },
  },
  bch2_dio_read_shorten_fix: {
    since: [6, 8],
    what:
      "bch2_direct_IO_read clamps its shorten to 0 when the rounded-up length is not below the count (before, a sub-block read wrapped iter->count up to the block size)",
    functions: ["bch2_direct_IO_read"],
    introduced: {
      commit: "b58b1b883b9b",
      subject: "bcachefs: fix iov_iter count underflow on sub-block dio read",
      release: "6.8",
      evidence:
        "tag bcachefs-2024-02-25 merged for 6.8-rc6 (Linus' 6.8-rc6 shortlog, 26 Feb 2024, id 13241131222; id 34184378986); no 6.7.y backport found in the record; the diff's old side (fs/bcachefs/fs-io-direct.c, e3b219e19e10) has the bare subtraction, its new side the clamp (ids 25314786652, 108455180)",
    },
    audit: { verdict: "new", note: "bug 20 of kernel-2026.md section 3" },
  },
  smb_rdma_unmap_fix: {
    since: [7, 1],
    what:
      "the SGE mapping functions' error cleanup unmaps exactly the entries the call added (before, smb_extract_iter_to_rdma's sge[nr_sge--] unmapped the slot past the last entry and left the first new one mapped)",
    functions: ["smb_extract_iter_to_rdma", "smbdirect_map_sges_from_iter"],
    introduced: {
      commit: "c207f1d78504",
      subject: "smbdirect: Fix error cleanup in smbdirect_map_sges_from_iter()",
      release: "7.1",
      evidence:
        "torvalds/linux master post-receive 15 May 2026 with Merge tag 'v7.1-rc4-smb3-client-fixes' (id 66348223649): 7.1-rc4, so 7.1; the bug came with e5fbdde43017 (6.3) and the 7.1-rc1 common copy kept it (v4 patch 025, id 3320976943); Howells' stable fix for smb_extract_iter_to_rdma <3418418.1777024571@warthog.procyon.org.uk> (24 Apr 2026, id 61388644143) was sent back for an upstream-first fix (id 61475594646): no stable backport in the record",
    },
    audit: {
      verdict: "new",
      note:
        "source both sides: the 6.3-7.0 cifs copy and the 7.1-rc1 common copy index sge[num_sge--] (ids 61388644143, 3320976943); the 7.1-rc4 fix walks before..num_sge",
    },
  },
  smbdirect_map_sges: {
    since: [7, 1],
    what:
      "smbdirect_map_sges_from_iter (common smbdirect code for cifs and ksmbd): ITER_SOURCE only (WARN_ON_ONCE, -EIO otherwise); BVEC, KVEC and FOLIOQ, from 7.4 BVECQ instead of FOLIOQ",
    functions: ["smbdirect_map_sges_from_iter"],
    introduced: {
      commit: "8a4d6c0d4fc4",
      subject: "smb: smbdirect: introduce smbdirect_map_sges_from_iter() and helper functions",
      release: "7.1",
      evidence:
        "merged by 3cd8b194bf34 \"Merge tag 'v7.1-rc-part1-smbdirect-fixes'\": both in a mirror of Linus' tree pushed 20 Apr 2026, the 7.1 merge window after 7.0 (~12 Apr) (ids 66856444324, 66426485710); linux-next had carried the series under rebased ids since Feb 2026 (c42ed17d418d, next-20260216, id 65828172767) but 7.0 did not take it; Metzmacher v4 025/145 (25 Nov 2025, id 3320976943); FOLIOQ support removed by ddd28c53caf6 in vfs-7.4.netfs (id 71032190887)",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 7.1, id now the mainline 8a4d6c0d4fc4 (was the merge); source both sides: Debian's 6.12.118 smb_extract_iter_to_rdma (fs/smb/client/smbdirect.c) switches on BVEC/KVEC/FOLIOQ with no direction check, the 7.1 smbdirect_map_sges_from_iter (v4 025 diff) first refuses anything but ITER_SOURCE with WARN_ON_ONCE and -EIO, then the same three kinds",
    },
  },
  nfs_dio_pins: {
    since: [7, 4],
    what:
      "NFS O_DIRECT takes user pages with iov_iter_extract_pages (pins, released with unpin) instead of iov_iter_get_pages_alloc2 (refs, put_page)",
    functions: ["nfs_direct_read_schedule_iovec", "nfs_direct_write_schedule_iovec"],
    introduced: {
      commit: "a2bb86ade0bc",
      subject: "nfs: migrate direct I/O to iov_iter_extract_pages",
      release: "7.4",
      evidence:
        "linux-next fs-next 7 Oct 2026 (the 7.3-rc7 week, id 71462594667) with 7851fd653cb9 'nfs: introduce nfs_direct_extract_pages helper' and d91ae903f476 'nfs: make nfs_page pin-aware'; Pranjal Shrivastava v3 4/5 <20260715143540.3597616-5-praan@google.com> (id 56721009589; cover id 56787198409); queued for the 7.4 merge window, not released when the record ends (linux-next ids may change when merged)",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 7.4 as queued; subject corrected to the commit's own; source both sides: Debian's 6.1.192 and 6.12.118 fs/nfs/direct.c take pages with iov_iter_get_pages_alloc2 in nfs_direct_read/write_schedule_iovec and release them unpinned right after building the requests; the v3 diff replaces both calls with iov_iter_extract_pages (pinned per iov_iter_extract_will_pin), keeping the pins until completion",
    },
  },
  bio_merge_same_page: {
    until: [7, 0],
    what:
      "bio_iov_iter_get_pages merges pages into the previous bvec and drops the extra pin of a same-page merge",
    functions: ["bio_iov_iter_get_pages"],
    ended: {
      commit: "12da89e8844a",
      subject: "block: open code bio_add_page and fix handling of mismatching P2P ranges",
      release: "7.0",
      evidence:
        "Hellwig's 'bounce buffer direct I/O when stable pages are required' v2 02/14 <20260119074425.4005867-3-hch@lst.de> (id 52072394177), applied by Jens Axboe as 03/15 on 26 Jan 2026 (b4 mail with the mainline ids, id 53542549809), in vfs-7.0.iomap / the 7.0 merge window lists (ids 66402989638, 65737751387); a regression report names 12da89e8844a as in v7.0 (id 66959398061)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 7.0, subject corrected to the commit's own; source both sides: Debian's 6.12.118 block/bio.c bio_iov_add_folio merges into the previous bvec with bvec_try_merge_page and unpins a same-page fragment (unpin_user_folio), the diff's old side (block/bio.c 18dfdaba0c73, 6.19) does the same through bio_add_page, its new side adds every run with __bio_add_page and no unpin",
    },
  },
  extract_skip_empty_fix: {
    since: [6, 6],
    what:
      "KVEC/BVEC extraction steps over an empty segment at the current position (before, the skip loop clamped maxsize to 0, walked to the end of the array and returned 0 with count unchanged)",
    functions: ["iov_iter_extract_pages"],
    introduced: {
      commit: "f741bd7178c9",
      subject: "iov_iter: Fix iov_iter_extract_pages() with zero-sized entries",
      release: "6.6",
      backports: ["6.5.3"],
      evidence:
        "torvalds/linux master post-receive with the kunit iov_iter tests, on top of Merge tag 'sh-for-v6.6-tag1' (id 66871909241): the 6.6 merge window; [PATCH 6.5 713/739] in the 6.5.3-rc1 review of 11 Sep 2023 (ids 40033741499, 24500162650); Fixes 7d58fe731028 (6.3), so 6.3-6.5.2 have the bug; no 6.1.y (6.1 has no extraction)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 6.6 and 6.5.3; source both sides: the diff's old side (lib/iov_iter.c of 6.5) assigns maxsize = min(maxsize, len - skip) inside the skip loop, its new side a separate size; Debian's 6.12.118 iov_iter_extract_bvec_pages/kvec_pages use size",
    },
  },
  iter_folioq: {
    since: [6, 12],
    until: [7, 4],
    what: "ITER_FOLIOQ: a chain of folio_queue segments of folio slots",
    functions: ["iov_iter_folio_queue", "smb_extract_iter_to_rdma", "extract_iter_to_sg"],
    introduced: {
      commit: "db0aa2e9566f",
      subject: "mm: Define struct folio_queue and ITER_FOLIOQ to handle a sequence of folios",
      release: "6.12",
      evidence:
        "netfs folio_queue series in the 6.12 merge window lists, after the vfs-6.12 'file: remove f_version' series (ids 65975527122, 65793136654); the fixes that name it carry 'Cc: stable@vger.kernel.org # v6.12+' (ids 48749693227, 48440045300), so 6.11 had no ITER_FOLIOQ",
    },
    ended: {
      commit: "507b92a64365",
      subject: "iov_iter: Remove ITER_FOLIOQ",
      release: "7.4",
      evidence:
        "vfs-7.4.netfs in vfs.all (ids 71032190887, 71403147779); linux-next 58194689921d (id 71462594667); queued, not released when the record ends",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 6.12 start; 7.4 end as queued (vfs-7.4.netfs pushed 2 Oct 2026 lists 507b92a64365 after ddd28c53caf6 and before 11d5d7233260 'netfs: Remove folio_queue', id 71032190887); source: Debian's 6.1.192 uio.h has no ITER_FOLIOQ, 6.12.118 has it (iov_iter_folio_queue, iterate_folioq, extract_folioq_to_sg); the 7.4 side only from the series' diffs (no 7.4 tree in the record)",
    },
  },
  iter_bvecq: {
    since: [7, 4],
    what:
      "ITER_BVECQ: a chain of bvecq segments of bio_vecs with the release policy (free/unpin) in the queue; extraction takes no refs or pins, get_pages* refuse it, extract_iter_to_sg gives one entry per bvec",
    functions: [
      "iov_iter_bvec_queue",
      "iov_iter_extract_pages",
      "iov_iter_get_pages2",
      "extract_iter_to_sg",
      "smbdirect_map_sges_from_iter",
      "bvecq_put",
    ],
    introduced: {
      commit: "05f94143ca30",
      subject: "iov_iter: Add a segmented queue of bio_vec[]",
      release: "7.4",
      evidence:
        "vfs-7.4.netfs (2 Oct 2026), linux-next fs-next 7 Oct 2026 as 177edaa33467 (ids 71032190887, 71403147779); series v1 <20260326104544.509518-13-dhowells@redhat.com> (id 54673011688) to v14 (30 Sep 2026); queued, not released when the record ends",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 7.4 as queued (vfs-7.4.netfs, id 71032190887); source from the v1 diff (id 54673011688): ITER_BVECQ added to enum iter_type, iov_iter_bvec_queue, iterate/advance/revert across slots and segments, __iov_iter_get_pages_alloc does WARN_ON_ONCE and -EFAULT for it, iov_iter_extract_bvecq_pages takes no refs or pins and stops at a later bvec not starting on a page boundary, extract_bvecq_to_sg sets one sg entry per bvec; no earlier release has the kind (6.12.118 uio.h)",
    },
  },
  bvec_extract_multi: {
    since: [6, 13],
    what: "BVEC extraction may span several bvecs, one entry per page-piece",
    functions: ["iov_iter_extract_pages"],
    introduced: {
      commit: "e4e535bff2bc",
      subject: "iov_iter: don't require contiguous pages in iov_iter_extract_bvec_pages",
      release: "6.13",
      next: "next-20241030",
      evidence:
        "Ming Lei, 24 Oct 2024, in Jens Axboe's block tree for 6.13: linux-next next-20241030 (ids 28001108471, 66338163402); its follow-ups (Dumazet's 7bc802acf193 and Ming Lei's 'lib/iov_iter: fix bvec iterator setup', which Jens swapped in on 2 Nov 2024, id 32173445336) went into the same for-6.13 queue before 6.12 was released (17 Nov 2024), so 6.13 shipped the fixed form; later mainline fixes name it (Fixes: tags, ids 20250684370, 56720115192); Debian's 6.12.118 does not carry it (no 6.12.y backport)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 6.13; source both sides: Debian's 6.12.118 iov_iter_extract_bvec_pages takes only the current bvec (page + k for a physically contiguous run), the 6.13+ version walks bvecs with a bvec_iter and adds one page pointer per page-piece (the 2026 fix's diff, id 56720115192)",
    },
  },
  bvec_extract_walk_size_fix: {
    since: [6, 13],
    what:
      "multi-bvec BVEC extraction walks maxsize bytes (as e4e535bff2bc entered linux-next, its bvec_iter size was maxsize plus the offset already consumed in the current bvec: it returned and advanced up to that many bytes more than asked)",
    functions: ["iov_iter_extract_pages"],
    introduced: {
      commit: "341468e0ab4b",
      subject: "lib/iov_iter: fix bvec iterator setup",
      release: "6.13",
      next: "next-20241104",
      evidence:
        "Ming Lei, 2 Nov 2024 (id 32820329358; Fixes e4e535bff2bc, syzbot+71abe7ab2b70bca770fd, reverting Eric Dumazet's 7bc802acf193 'iov-iter: do not return more bytes than requested in iov_iter_extract_bvec_pages()', which Jens Axboe had applied to for-6.13/block on 1 Nov, ids 20280991266, 65790090664); Jens swapped it in for 7bc802acf193 (id 32173445336; for-6.13/block push with 341468e0ab4b, id 66026932811); first in linux-next next-20241104 (its new commits list 341468e0ab4b, id 66317600773); in 'for-6.13/block-20241118' (Ming Lei's commits in the pull, id 32644254429): 6.13, so no release had the bug; the bi_idx left uninitialised by the same commit (496a51b37143, in next-20241101, id 66142832525) reads stack garbage and is not modelled",
    },
    audit: {
      verdict: "new",
      note:
        "new row (bug 10 of kernel-2026.md section 3), in force from 6.13 like the row it fixes, so no release differs; it matters only in the linux-next snapshots next-20241030 to next-20241101. Source both sides: e4e535bff2bc's v3 diff (id 42196968183) sets bi.bi_size = maxsize + skip and stops the walk only at bi_size 0, maxpages or a piece not ending on a page boundary; the fix's diff (id 32820329358) sets bi.bi_size = maxsize and drops 7bc802acf193's cap",
    },
  },
  slab_refcount_frozen: {
    since: [6, 14],
    what: "slab pages have refcount 0: get_page WARNs and no-ops, put_page ignores them",
    functions: ["iov_iter_get_pages2", "get_page", "put_page"],
    introduced: {
      commit: "b9c0e49abfca",
      subject: "mm: decline to manipulate the refcount on a slab page",
      release: "6.14",
      evidence:
        "mm-hotfixes-stable-2025-03-17 pulled against 6.14-rc7 (id 41768205883; the mm tree list with it, id 66919720708); Vlastimil Babka: 'That went to v6.14' (id 33132664662); no stable backport (it follows the 6.14 frozen slab pages, which older series do not have)",
    },
    audit: {
      verdict: "moved",
      note:
        "verified: 6.14 (was 6.15; the hotfix pull is 6.14-rc7); source both sides: Debian's 6.12.118 get_page is folio_get with no slab test and its BVEC __iov_iter_get_pages_alloc does get_page on every page; the 770c8d55c428 diff's old side (6.14 lib/iov_iter.c) skips folio_get for slab folios",
    },
  },
  bvec_get_pages_folio_fix: {
    since: [6, 15],
    what:
      "BVEC get_pages takes its ref on each page's own folio; in 6.14 every ref went to the first page's folio (pages of later folios had none: a use-after-free when the caller put them)",
    functions: ["iov_iter_get_pages2", "iov_iter_get_pages_alloc2"],
    introduced: {
      commit: "770c8d55c428",
      subject: "lib/iov_iter: fix to increase non slab folio refcount",
      release: "6.15",
      backports: ["6.14.4"],
      evidence:
        "Sheng Yong v2, 1 Apr 2025, Fixes b9c0e49abfca, Cc stable, merged into akpm's mm-hotfixes-stable (mm-commits mail with the diff, id 11008973061) and in the mm lists of the 6.15-rc weeks (ids 66940924175, 66808667599): 6.15; the 6.14.4-rc1 review of 23 Apr 2025 lists it (id 39723163281); no other series has the bug",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 6.15 and now its 6.14.4 backport (6.14.0-6.14.3 keep the bug); source both sides: the diff's old side takes page_folio(page) for every k, its new side page_folio(page + k)",
    },
  },
  is_aligned: {
    since: [6, 0],
    until: [6, 18],
    what: "iov_iter_is_aligned checks every segment's address and length against masks",
    functions: ["iov_iter_is_aligned"],
    introduced: {
      commit: "cfa320f72882",
      subject: "iov: introduce iov_iter_aligned",
      release: "6.0",
      evidence:
        "Keith Busch PATCHv5 08/11 (id 15128970989); block for-6.0 with b1a000d3b8ec (ids 67323430134, 11771826896)",
    },
    ended: {
      commit: "b475272f03ca",
      subject: "iov_iter: remove iov_iter_is_aligned",
      release: "6.18",
      evidence:
        "Keith Busch PATCHv4 8/8, applied by Jens Axboe 9 Sep 2025 for the 6.18 window (b4-ty mail listing the series' mainline ids, id 1853398232)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: start cfa320f72882 with b1a000d3b8ec in block for-6.0 (ids 67323430134, 11771826896); end b475272f03ca from the applied mail (id 1853398232)",
    },
  },
  aligned_bvec_full_len: {
    since: [6, 9],
    until: [6, 16],
    what: "iov_iter_aligned_bvec tests the current bvec's full bv_len, not bv_len - iov_offset",
    functions: ["iov_iter_is_aligned"],
    introduced: {
      commit: "2263639f96f2",
      subject: "iov_iter: streamline iovec/bvec alignment iteration",
      release: "6.9",
      evidence:
        "vfs pull next to 'exportfs-6.9' in Linus' tree (id 66849270670); the fix's Fixes: tag names it (id 35724550510)",
    },
    ended: {
      commit: "334d7c4fb60c",
      subject: "iov_iter: use iov_offset for length calculation in iov_iter_aligned_bvec",
      release: "6.16",
      backports: ["6.12.34"],
      evidence:
        "mm-hotfixes after 6.15 was released (25 May 2025): in akpm's tree with the 6 Jun 2025 hotfixes (id 67071044210), merged in the 6.16 window (inferred: listed with the 6 Jun 2025 hotfix batch Linus pulled as mm-hotfixes-stable-2025-06-06, id 66429021845, and first backported in the 6.12.34 cycle after 6.16-rc1); 6.12.34 review patch 392/512 (17 Jun 2025, ids 35724550510, 47366131384); Debian's 6.12.118 source and its UML KUnit run (fixtures/kunit/6.12, itk_049) agree",
    },
    audit: {
      verdict: "moved",
      note:
        "the fix is 6.16 (was 6.15): 6.15 shipped the bug; its 6.12.y backport is 6.12.34 (was 6.12.118)",
    },
  },
  bvec_extract_maxpages_check: {
    since: [7, 2],
    what: "multi-bvec extraction refuses a failed page-array allocation (maxpages 0) with -ENOMEM",
    functions: ["iov_iter_extract_pages"],
    introduced: {
      commit: "70531f4f3a14",
      subject: "iov_iter: Fix missing alloc fail check in iov_iter_extract_bvec_pages()",
      release: "7.2",
      evidence:
        "v4 04/30 <20260616100821.2062304-5-dhowells@redhat.com> (id 56720115192), Fixes e4e535bff2bc (6.13); mainline ids from the rebased vfs.fixes merged as 'vfs-7.2-rc2.fixes': a mirror of Linus' tree pushed 2 Aug 2026 lists the series with that merge (id 66385519987) and tip/urgent, which follows Linus' tree, took them on 4 Jul 2026 (id 66531252255); the 30 Jun vfs.fixes and linux-next of 1 Jul carried pre-rebase ids (eea815a087cd, ids 66630127464, 66638056515, 67020683109); no stable backport in the record",
    },
    audit: {
      verdict: "moved",
      note:
        "verified: 7.2 (7.2-rc2); the id is now the mainline 70531f4f3a14 (eea815a087cd was the pre-rebase vfs.fixes id, still named by the gallery trace and model messages); source both sides: the v4 diff's old side (lib/iov_iter.c dc9c6eb21bdb, 7.1) calls want_pages_array and walks the bvecs with no check of its result, its new side returns -ENOMEM when it gives 0; 6.12.118 has the older single-bvec extractor, which always checked",
    },
  },
  xarray_extract_hole_fix: {
    since: [7, 2],
    what:
      "XARRAY extraction that finds a hole at the first index returns 0 (before, with a start not on a page boundary, nr * PAGE_SIZE - offset wrapped and the call returned and advanced maxsize bytes with no pages)",
    functions: ["iov_iter_extract_pages"],
    introduced: {
      commit: "55f4bb9373ca",
      subject: "iov_iter: Fix potential underflow in iov_iter_extract_xarray_pages()",
      release: "7.2",
      evidence:
        "v4 03/30 (16 Jun 2026, id 56261849522), Fixes 7d58fe731028 (6.3); mainline ids from the rebased vfs.fixes merged as 'vfs-7.2-rc2.fixes': a mirror of Linus' tree pushed 2 Aug 2026 lists the series with that merge (id 66385519987) and tip/urgent, which follows Linus' tree, took them on 4 Jul 2026 (id 66531252255); the 30 Jun vfs.fixes and linux-next of 1 Jul carried pre-rebase ids (72c00e84e611, ids 66630127464, 66638056515, 67020683109); no stable backport in the record",
    },
    audit: {
      verdict: "moved",
      note:
        "verified: 7.2 (7.2-rc2); mainline id 55f4bb9373ca (72c00e84e611 was the pre-rebase vfs.fixes id); source both sides: Debian's 6.12.118 iov_iter_extract_xarray_pages ends with maxsize = min(nr * PAGE_SIZE - offset, maxsize) for any nr, the v4 diff sets maxsize 0 when nr is 0; the model applies the wrap only when offset0 > 0, as the old expression does",
    },
  },

  kvec_to_sg_len_fix: {
    since: [7, 1],
    what:
      "extract_kvec_to_sg sets each entry to its page's length and counts only what it placed (CVE-2026-46289)",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "07b7d66e65d9",
      subject: "lib/scatterlist: fix length calculations in extract_kvec_to_sg",
      release: "7.1",
      backports: ["6.6.140", "6.12.88", "6.18.30", "7.0.7"],
      evidence:
        "Christian A. Ehrhardt, 'Fix bugs in extract_iter_to_sg()' v3 1/5; in a mirror of Linus' tree pushed 20 Apr 2026 with the 7.1 merge-window merges (id 66856444324), after linux-next during 7.0-rc7 (id 66594516601): 7.1; OSV CVE-2026-46289: affected >=6.3 <6.6.140, >=6.7 <6.12.88, >=6.13 <6.18.30, >=6.19 <7.0.7, with the mainline and four stable commit links (id 68814453310); linux-6.18.y push of 14 May 2026 (8fbba6829057, id 66283782826)",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 7.1 and the four backports; source both sides: Debian's 6.12.118 (past 6.12.88) extract_kvec_to_sg sets each entry to seg, the part inside its page, and subtracts what it could not place (ret -= len); the commit text (OSV) says the per-page length was calculated but not used and the count was not adjusted when entries ran out",
    },
  },
  sg_max_zero_fix: {
    since: [7, 1],
    what: "extract_iter_to_sg returns at once for sg_max 0 (before, the count wrapped)",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "07b7d66e65d9",
      subject: "lib/scatterlist: fix length calculations in extract_kvec_to_sg",
      release: "7.1",
      backports: ["6.6.140", "6.12.88", "6.18.30", "7.0.7"],
      evidence:
        "the same commit: its text ends 'return immediately from extract_iter_to_sg if there are no sglist entries at all' (OSV CVE-2026-46289, id 68814453310), so the same releases: in a mirror of Linus' tree pushed 20 Apr 2026 with the 7.1 merge-window merges (id 66856444324), after linux-next during 7.0-rc7 (id 66594516601): 7.1; stable 6.6.140, 6.12.88, 6.18.30, 7.0.7",
    },
    audit: {
      verdict: "kept",
      note:
        "verified: 7.1 and the backports; source: Debian's 6.12.118 extract_iter_to_sg returns 0 when maxsize or sg_max is 0; before it there was no sg_max test (the commit text; 6.1.192 has no extract_iter_to_sg)",
    },
  },

  extract_user_pages_leak_fix: {
    since: [7, 2],
    what:
      "iov_iter_extract_user_pages frees the page array it allocated when pinning fails (before, the kvmalloc'd array leaked)",
    functions: ["iov_iter_extract_pages"],
    introduced: {
      commit: "72698020e15d",
      subject: "iov_iter: Fix a memory leak in iov_iter_extract_user_pages()",
      release: "7.2",
      evidence:
        "mainline ids from the rebased vfs.fixes merged as 'vfs-7.2-rc2.fixes': a mirror of Linus' tree pushed 2 Aug 2026 lists the series with that merge (id 66385519987) and tip/urgent, which follows Linus' tree, took them on 4 Jul 2026 (id 66531252255); the 30 Jun vfs.fixes and linux-next of 1 Jul carried pre-rebase ids (11cf15dacff6, ids 66630127464, 66638056515, 67020683109); no stable backport in the record",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 7.2 (7.2-rc2); mainline id 72698020e15d (11cf15dacff6 was the pre-rebase vfs.fixes id); source: Debian's 6.12.118 iov_iter_extract_user_pages returns pin_user_pages_fast's error without freeing the array want_pages_array allocated; the fixed side only from the commit subject and the gallery model (the patch text is not in the record)",
    },
  },
  user_to_sg_scratch_fix: {
    since: [7, 1],
    what:
      "extract_user_to_sg places its page-pointer scratch array past the entries it will fill (before, with nents > 0 the array overlapped live entries)",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "118cf3f55975",
      subject: "lib/scatterlist: fix temp buffer in extract_user_to_sg()",
      release: "7.1",
      backports: ["6.6.140", "6.12.88", "6.18.30", "7.0.7"],
      evidence:
        "'Fix bugs in extract_iter_to_sg()' v3 2/5, next to 07b7d66e65d9 everywhere: in a mirror of Linus' tree pushed 20 Apr 2026 with the 7.1 merge-window merges (id 66856444324), after linux-next during 7.0-rc7 (id 66594516601): 7.1; backported with it (linux-6.18.y push of 14 May 2026 with both, 8fbba6829057 and 7cdf18608302, id 66283782826; another stable push with both, id 66180120591; stable lists ids 66100820385); the OSV entry for the series' CVE covers 07b7d66e65d9 only, so the releases of this one are those of its companion",
    },
    audit: {
      verdict: "new",
      note:
        "verified: 7.1; backports taken from the pushes that carry both commits (6.18.y seen directly, the other series by the companion); source both sides: the 6.5-era extract_user_to_sg places the page-pointer array at sgtable->sgl + sg_max entries from the table start (id 40196292822), Debian's 6.12.118 places it past sgl + nents + sg_max",
    },
  },
  xarray_to_sg_offset_fix: {
    since: [7, 2],
    what:
      "extract_xarray_to_sg derives each folio's offset from the current position, not the original start",
    functions: ["extract_iter_to_sg"],
    introduced: {
      commit: "2bcd3ab37287",
      subject: "scatterlist: Fix offset in folio calc in extract_xarray_to_sg()",
      release: "7.2",
      evidence:
        "v4 06/30 (16 Jun 2026, id 56639905274), Fixes f5f82cd18732 (6.5); mainline ids from the rebased vfs.fixes merged as 'vfs-7.2-rc2.fixes': a mirror of Linus' tree pushed 2 Aug 2026 lists the series with that merge (id 66385519987) and tip/urgent, which follows Linus' tree, took them on 4 Jul 2026 (id 66531252255); the 30 Jun vfs.fixes and linux-next of 1 Jul carried pre-rebase ids (132e70406412, ids 66630127464, 66638056515, 67020683109); no stable backport in the record",
    },
    audit: {
      verdict: "moved",
      note:
        "verified: 7.2 (7.2-rc2); mainline id 2bcd3ab37287 (132e70406412 was the pre-rebase vfs.fixes id); source both sides: Debian's 6.12.118 extract_xarray_to_sg computes offset_in_folio(folio, start) with start never advanced, the v4 diff adds start += len per entry",
    },
  },
  netfs_limit_iter: {
    since: [6, 8],
    what:
      "netfs_limit_iter: the span of an iterator from a position that fits a size and segment limit (BVEC, XARRAY; other kinds BUG())",
    functions: ["netfs_limit_iter"],
    introduced: {
      commit: "cae932d3aee5",
      subject: "netfs: Add func to calculate pagecount/size-limited span of an iterator",
      release: "6.8",
      evidence:
        "Howells' netfs-lib-20231228 pulled into vfs.netfs on 28 Dec 2023 (post-receive revlist 3a91e29efc64..86fb59411553, id 67509144433); merged to mainline by 16df6e07d6a8 \"Merge tag 'vfs-6.8.netfs'\" in the 6.8 merge window: both in a tree following Linus' master on 20 Jan 2024, the eve of 6.8-rc1 (id 65727753202); the 7.0 KVEC fix 67e467a11f62 names it in Fixes:; a new function, no stable backport",
    },
    audit: {
      verdict: "new",
      note:
        "the op had no era gate (the model answered it from 5.15 on); source both sides: 6.6.14's fs/netfs/iterator.c (id 39961283318) holds only netfs_extract_user_iter, Debian's 6.1.192 has no fs/netfs/iterator.c, the patch (id 37151071064) adds netfs_limit_iter dispatching BVEC and XARRAY and BUG() otherwise; Debian's 6.12.118 defines and exports it (FOLIOQ added by then)",
    },
  },
  netfs_limit_kvec: {
    since: [7, 0],
    what: "netfs_limit_iter handles ITER_KVEC (before, a KVEC iterator hit its BUG())",
    functions: ["netfs_limit_iter"],
    introduced: {
      commit: "67e467a11f62",
      subject: "netfs: Fix kernel BUG in netfs_limit_iter() for ITER_KVEC iterators",
      release: "7.0",
      backports: ["6.12.80", "6.18.21"],
      evidence:
        "vfs.fixes (Brauner applied it, id 53557560367) -> linux-next fs-current (id 67069264502) -> Linus' master with e9075e420a1e (revlist fc9eae25ecb7..d1384f70b2e3, id 66555554254) as vfs-7.0-rc6.fixes: 7.0; stable: [PATCH 6.18 292/309] in the 6.18.21-rc1 review of 31 Mar 2026 (ids 60235859673, 60669687294), and the linux-stable-rc linux-6.12.y push of 31 Mar 2026 16:17 (00594853af36, id 67347290316) that became the 6.12.80-rc1 review sent at 16:19 (id 60493200464)",
    },
    audit: {
      verdict: "moved",
      note:
        "7.0 (was 7.1; 7.0-rc6 fix); stable 6.18.21 and now 6.12.80 (was 6.12.118, the first 6.12.y read, not the first carrying it); source both sides: the stable diff's old side (fs/netfs/iterator.c) ends netfs_limit_iter in BUG() for kinds other than FOLIOQ, BVEC and XARRAY, its new side adds netfs_limit_kvec, which Debian's 6.12.118 has",
    },
  },
  bio_align_after_build: {
    since: [6, 18],
    what:
      "bio_iov_iter_get_pages aligns the whole bio down to the block size after building it instead of trimming each extraction",
    functions: ["bio_iov_iter_get_pages"],
    introduced: {
      commit: "20a0e6276edb",
      subject: "block: align the bio after building it",
      release: "6.18",
      evidence:
        "Keith Busch PATCHv4 3/8, applied by Jens Axboe 9 Sep 2025 for the 6.18 window (id 1853398232); 6.18 behaviour measured on 6.18.44 (fixtures/pins)",
    },
    audit: {
      verdict: "kept",
      note: "verified: id and release; measured on this machine's 6.18.44",
    },
  },
  dio_align_in_bio: {
    since: [6, 18],
    what:
      "direct I/O no longer checks vector alignment up front (iov_iter_is_aligned): the bio is built and every page pinned, and the split check at submission (bio_split_rw_at, skipped for a bio of one bvec inside a page) fails it with -EINVAL when a bvec's offset or length is not a multiple of dma_alignment + 1; completion releases every pin",
    functions: ["bio_iov_iter_get_pages", "submit_bio", "iov_iter_is_aligned"],
    introduced: {
      commit: "5ff3f74e145a",
      subject:
        "block: simplify direct io validity check (with 7eac33186957 iomap: simplify direct io validity check)",
      release: "6.18",
      evidence:
        "PATCHv4 4/8 and 5/8, applied 9 Sep 2025 for 6.18 with 1/8 fec2e705729d 'block: check for valid bio while splitting', the check at submission (id 1853398232); named as the culprits by 14b007e17881's Fixes: tags (Keith Busch v3 5/5, id 60354317447); measured on 6.18.44 (ext4 on virtio-blk, dma_alignment 511): {+0x100,0x2000} pins 3, releases 3, -EINVAL; {+0x100,0x200} (one bvec in one page) succeeds; {+0,0x300}{+0x1000,0x100} pins 2, -EINVAL; {+0,0x300}{+0x300,0x100} (merged into one bvec) succeeds (fixtures/live)",
    },
    audit: {
      verdict: "moved",
      note:
        "was: fails while building the bio after 1-4 pins; the kernel pins everything and fails at submission (measured). Verified: 5ff3f74e145a and 7eac33186957 with their subjects in Jens Axboe's applied list (9 Sep 2025, id 1853398232) and the block tree push listing the series (id 66068716653), the 6.18 window; source both sides: Debian's 6.12.118 blkdev_direct_IO (block/fops.c) and iomap_dio_bio_iter (fs/iomap/direct-io.c) refuse a misaligned iterator up front with bdev_iter_is_aligned, which 6.18 removes (9eab1d4e0d15, same series); the 6.18 side measured on this machine's 6.18.44",
    },
  },
  dio_align_at_extract: {
    since: [7, 3, rc(1)],
    what:
      "bio_iov_iter_get_pages checks each user segment's address and remaining length against the memory alignment mask as it extracts (iov_iter_extract_bvecs): -EINVAL after releasing the pins taken so far; passthrough (bio_map_user_iov) passes masks 0/0",
    functions: ["bio_iov_iter_get_pages", "submit_bio"],
    introduced: {
      commit: "14b007e17881",
      subject: "block: validate user space vectors during extraction",
      release: "7.3-rc1",
      backports: ["7.2.4"],
      evidence:
        "axboe for-7.3/block post-receive (id 66124950763); in Linus' tree with the akpm/mm 'linus' ref of 21 Aug 2026, the 7.3 merge window after 7.2 (~16 Aug) (id 66285436795); v3 5/5 <20260624170905.3972095-6-kbusch@meta.com> (id 60354317447): Cc stable, Fixes 5ff3f74e145a and 7eac33186957; in linux-7.2.y as 67821539626c in the 7.2.4-rc1 push (id 65754786921) and again after the queue was rebased (d44a97a3b1c0, 9 Sep 2026, id 68807968908), no other stable series in the record; its follow-up b0d8d56b7c93 'block: Fix start and length check added to iov_iter_extract_bvecs()' is 7.3-rc3 (block-7.3-20260911) and 7.2.7, so 7.3-rc1, 7.3-rc2 and 7.2.4 to 7.2.6 shipped the unfixed check (row extract_bvecs_check_fix)",
    },
    audit: {
      verdict: "kept",
      note:
        "7.3 confirmed: in Linus' tree 21 Aug 2026; source on both sides from the v3 diff: its old side (the June 2026 block tree) has bio_iov_iter_get_pages(bio, iter, len_align_mask) and no per-segment check, its new side adds mem_align_mask to it and to iov_iter_extract_bvecs (no 7.3 kernel to measure here)",
    },
  },
  extract_bvecs_check_fix: {
    since: [7, 3, rc(3)],
    what:
      "iov_iter_extract_bvecs checks the user segment extraction takes (the first non-empty one) and only the bytes of it the iterator's count covers; before, from 14b007e17881 (7.3-rc1, 7.2.4), it checked iter_iov_addr()/iter_iov_len() as they stand: an empty current segment instead of the next one, which extraction then took unchecked, and the whole rest of the segment even past the count (for UBUF count - iov_offset, as iov_len aliases count)",
    functions: ["bio_iov_iter_get_pages"],
    introduced: {
      commit: "b0d8d56b7c93",
      subject: "block: Fix start and length check added to iov_iter_extract_bvecs()",
      release: "7.3-rc3",
      backports: ["7.2.7"],
      evidence:
        "merged into Linus' tree with 'Merge tag block-7.3-20260911' (35ef102063fd) next to ata-7.3-rc3 and the other pulls of the 7.3-rc3 week (torvalds post-receive, ids 68634881001, 69460306615); not in 7.3-rc2 (6 Sep 2026); in linux-7.2.y as aa5e6ea3c4bb / 5264dfc1ae49 in both 7.2.7-rc1 pushes of 17 Sep 2026 (stable-rc post-receive, ids 69545025052, 69796594126), after 7.2.4 to 7.2.6 had shipped the unfixed check. The unfixed side is read from source: `if ((start | iter_iov_len(iter)) & mem_align_mask) return -EINVAL;` with start = iter_iov_addr(iter), before iov_iter_extract_pages() (14b007e17881 as v3 5/5 <20260624170905.3972095-6-kbusch@meta.com>, id 60354317447; the same lines in a later lib/iov_iter.c transliteration, id 67588560255), and include/linux/uio.h's iter_iov_addr/iter_iov_len describe the current iovec without skipping empty ones or capping by the count. The fix's diff is not in the record (searched twice: the subject and the unfixed check's line find only commit lists, e.g. the block-7.3 push of 10 Sep 2026, id 68629475607, and Howells' netfs-next of 2 Sep 2026 carrying it as 9e8cc56dcf88, id 66254910209, besides the 14b007e17881 diffs): the fixed check modelled (the segment extraction takes, capped by the count) is what the subject names, not one read from source",
    },
    audit: {
      verdict: "new",
      note:
        "new row (bug 12 of kernel-2026.md section 3): the unfixed check read from 14b007e17881's diff; the fix placed from merge and stable-queue evidence (7.3-rc3; 7.2.7); its fixed side inferred from the subject, the diff not found",
    },
  },
  folioq_boundary_fix: {
    since: [6, 17],
    what: "iterate_folioq skips a slot whose iov_offset equals the folio size",
    functions: ["copy_to_iter", "copy_from_iter", "iov_iter_zero"],
    introduced: {
      commit: "808471ddb0fa",
      subject: "iov_iter: iterate_folioq: fix handling of offset >= folio size",
      release: "6.17",
      backports: ["6.12.44", "6.16.4"],
      evidence:
        "Dominique Martinet, Aug 2025, Fixes db0aa2e9566f, Cc stable v6.12+; mm-hotfixes-unstable (id 29624871405) and the mm-hotfixes lists of Aug 2025 (id 65759995420): 6.17; stable: the 6.12.44-rc1 and 6.16.4-rc1 reviews of 26 Aug 2025 list it (ids 10217676897, 30201885000); 6.13-6.15 were no longer maintained (6.15.11, 18 Aug 2025, was the last 6.15.y review in the record)",
    },
    audit: {
      verdict: "moved",
      note:
        "6.17 kept; the stable backports are 6.12.44 and 6.16.4 (was 6.12.118, the first release read, and no 6.16.y); source both sides: the 808471ddb0fa diff (ab06ba3) adds the skip < fsize test; Debian's 6.12.118 iterate_folioq has it and its UML KUnit run (fixtures/kunit/6.12, itk_036) stepped past the exhausted folio",
    },
  },
} as const satisfies Record<string, Feature>;

/** Names of the era-dependent behaviours. */
export type FeatureName = keyof typeof FEATURES;
