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
  algif_aead_recvmsg: op({
    summary:
      "AF_ALG AEAD decryption (authencesn): copies the AAD and ciphertext from the TX sg list into the RX sg list and decrypts; before 7.0 in place, with the TX entries holding the tag chained after RX as the destination and the 4-byte ESN scratch written at the end of the ciphertext",
    follows: { fn: "_aead_recvmsg", file: "crypto/algif_aead.c" },
    args: () => ({
      tx: arg.name(
        "the TX sg table (af_alg_sendmsg: extract_iter_to_sg of what was sent or spliced)",
      ),
      rx: arg.name("the RX sg table (af_alg_get_rsgl: the receive buffer)"),
      assoclen: arg.num(
        "ALG_SET_AEAD_ASSOCLEN: bytes of associated data at the start (at least 8 for authencesn)",
      ),
      authsize: arg.num("ALG_SET_AEAD_AUTHSIZE: bytes of tag at the end of the TX data"),
    }),
    vars: { reads: { tx: "sgt", rx: "sgt" } },
  }),
  bch2_direct_IO_read: op({
    summary:
      "bcachefs O_DIRECT read (6.7-6.17): trims the iterator to i_size rounded up to the block size (iter->count -= shorten), builds one bio from it, then gives the trimmed bytes back",
    follows: { fn: "bch2_direct_IO_read", file: "fs/bcachefs/fs-io-direct.c" },
    era: "bcachefs",
    args: () => ({
      iter: arg.name("the user iterator of the read"),
      bio: arg.name("the bio it builds"),
      max_vecs: arg.num("the bio's bvec capacity (bio_iov_vecs_to_alloc)"),
      pos: arg.num("the file position (ki_pos)"),
      i_size: arg.num("the file's size"),
      block_size: arg.num("the filesystem block size (block_bytes(c))"),
    }),
    vars: { reads: { iter: "iter" }, creates: { bio: "bio" } },
  }),
  nfs_direct_schedule_iovec: op({
    summary:
      "NFS O_DIRECT (read or write schedule) takes the next user pages: refs (get_pages_alloc2) before 7.4, pins (extract_pages) from 7.4",
    follows: { fn: "nfs_direct_read_schedule_iovec", file: "fs/nfs/direct.c" },
    args: () => ({
      iter: arg.name("the user iterator of the O_DIRECT request"),
      maxsize: arg.num("the most bytes (the request's rsize/wsize)"),
      as: arg.name("name of the page list"),
    }),
    vars: { reads: { iter: "iter" }, creates: { as: "pages" } },
  }),
  smbdirect_map_sges_from_iter: op({
    summary: "maps an ITER_SOURCE iterator's pages into RDMA SGEs (common smbdirect, 7.1+)",
    follows: { fn: "smbdirect_map_sges_from_iter", file: "fs/smb/smbdirect/connection.c" },
    era: "smbdirect_map_sges",
    args: sgeListArgs,
    vars: { reads: { iter: "iter" }, opens: { rdma: "rdma" } },
  }),
};
