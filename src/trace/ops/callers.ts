/**
 * Kernel callers that convert iterators on their own path, named by the function that does
 * it: NFS O_DIRECT (refs before 7.4, pins from 7.4) and the common smbdirect code (7.1+).
 *
 * @module
 */
import { arg } from "../args.ts";
import { op } from "./decl.ts";
import { sgeListArgs } from "./convert.ts";

/** The caller ops. */
export const CALLER_OPS = {
  bch2_direct_IO_read: op({
    summary:
      "bcachefs O_DIRECT read (6.7-6.17): trims the iterator to i_size rounded up to the block size (iter->count -= shorten), builds one bio from it, then gives the trimmed bytes back",
    follows: { fn: "bch2_direct_IO_read", file: "fs/bcachefs/fs-io-direct.c" },
    era: "bcachefs",
    args: {
      iter: arg.name("the user iterator of the read"),
      bio: arg.name("the bio it builds"),
      max_vecs: arg.num("the bio's bvec capacity (bio_iov_vecs_to_alloc)"),
      pos: arg.num("the file position (ki_pos)"),
      i_size: arg.num("the file's size"),
      block_size: arg.num("the filesystem block size (block_bytes(c))"),
    },
    vars: { reads: { iter: "iter" }, creates: { bio: "bio" } },
  }),
  nfs_direct_schedule_iovec: op({
    summary:
      "NFS O_DIRECT (read or write schedule) takes the next user pages: refs (get_pages_alloc2) before 7.4, pins (extract_pages) from 7.4",
    follows: { fn: "nfs_direct_read_schedule_iovec", file: "fs/nfs/direct.c" },
    args: {
      iter: arg.name("the user iterator of the O_DIRECT request"),
      maxsize: arg.num("the most bytes (the request's rsize/wsize)"),
      as: arg.name("name of the page list"),
    },
    vars: { reads: { iter: "iter" }, creates: { as: "pages" } },
  }),
  smbdirect_map_sges_from_iter: op({
    summary: "maps an ITER_SOURCE iterator's pages into RDMA SGEs (common smbdirect, 7.1+)",
    follows: { fn: "smbdirect_map_sges_from_iter", file: "fs/smb/smbdirect/connection.c" },
    era: "smbdirect_map_sges",
    args: sgeListArgs(),
    vars: { reads: { iter: "iter" }, opens: { rdma: "rdma" } },
  }),
};
