/**
 * Conversions: scatterlists, RDMA SGE lists and memory registrations, bios, and netfs's
 * segment limiter.
 *
 * @module
 */
import { arg, numberSchema } from "../args.ts";
import { once, op } from "./decl.ts";
import { z } from "zod";

const sgl = "lib/scatterlist.c";
const nents = once(() => numberSchema({ max: 1 << 20, what: "entries" }));
const pageSource = once(() => ({
  pages: arg.name("the page list to map").optional(),
  pfns: arg.pfns("page frame numbers to map, instead of a page list"),
  offset: arg.num("offset into the first page"),
  size: arg.num("bytes to map"),
  max_segment: arg.num("the largest entry"),
}));

/**
 * The arguments of an iterator-to-SGE-list mapping: smb_extract_iter_to_rdma (6.3 to 7.0)
 * and its 7.1 successor smbdirect_map_sges_from_iter (./callers.ts) take the same (built per
 * op: a schema object shared by two ops would be hoisted into the JSON Schema's $defs).
 */
export const sgeListArgs = () => ({
  iter: arg.name("the iterator"),
  len: arg.num("bytes to map"),
  rdma: arg.name("the SGE list (created by the first call)"),
  max_sge: numberSchema({ max: 65536, what: "SGEs" }).describe("the list's capacity"),
  lkey: arg.u64("the local key each SGE carries"),
  dma_dir: z.enum(["to_device", "from_device"]).describe("the DMA direction"),
  reserve: numberSchema({ max: 65536, what: "SGEs" }).describe(
    "SGEs the caller reserved before this call",
  ).default(0),
  fail_map_at: numberSchema({ max: 65536, what: "mappings" }).describe(
    "fault injection: the mapping attempt of this call (0 = first) that ib_dma_mapping_error() reports as failed, making the call -EIO and running its error cleanup",
  ).optional(),
});

/** Conversions to sg tables, SGEs, MRs and bios. */
export const CONVERT_OPS = {
  netfs_limit_iter: op({
    summary: "how many bytes from a position fit in a size and segment limit",
    follows: { fn: "netfs_limit_iter", file: "fs/netfs/iterator.c" },
    era: "netfs_limit_iter",
    args: () => ({
      iter: arg.name("the iterator"),
      start_offset: arg.num("offset from the iterator's position"),
      max_size: arg.num("the most bytes"),
      max_segs: arg.num("the most segments"),
    }),
    vars: { reads: { iter: "iter" } },
  }),
  sg_init_table: op({
    summary: "an sg table of nents entries, the last marked end",
    follows: { fn: "sg_init_table", file: sgl },
    args: () => ({
      sgt: arg.name("name of the table"),
      nents: nents().describe("entries in the table"),
    }),
    vars: { creates: { sgt: "sgt" } },
  }),
  sg_alloc_table: op({
    summary: "allocates an sg table, chaining blocks of entries as needed",
    follows: { fn: "sg_alloc_table", file: sgl },
    args: () => ({
      sgt: arg.name("name of the table"),
      nents: nents().describe("entries to allocate"),
    }),
    vars: { creates: { sgt: "sgt" } },
  }),
  extract_iter_to_sg: op({
    summary: "extracts an iterator's pages into sg entries",
    follows: { fn: "extract_iter_to_sg", file: sgl },
    era: "extract_pages",
    args: () => ({
      iter: arg.name("the iterator"),
      maxsize: arg.num("the most bytes"),
      sgt: arg.name("the table to append to"),
      sg_max: arg.num("the most entries to add"),
      flags: arg.flags(),
    }),
    vars: { reads: { iter: "iter", sgt: "sgt" } },
  }),
  sg_alloc_table_from_pages_segment: op({
    summary: "an sg table from a page array, merging contiguous pages",
    follows: { fn: "sg_alloc_table_from_pages_segment", file: sgl },
    args: () => ({ sgt: arg.name("name of the table"), ...pageSource() }),
    vars: { reads: { pages: "pages" }, creates: { sgt: "sgt" } },
  }),
  sg_alloc_append_table_from_pages: op({
    summary: "appends a page array to an sg table, merging with its last entry",
    follows: { fn: "sg_alloc_append_table_from_pages", file: sgl },
    args: () => ({
      sgt: arg.name("the table (created by the first call)"),
      ...pageSource(),
      left_pages: arg.num("pages later calls will append (sizes the allocation)").default(0),
    }),
    vars: { reads: { pages: "pages" }, opens: { sgt: "sgt" } },
  }),
  smb_extract_iter_to_rdma: op({
    summary: "maps an iterator's pages into RDMA SGEs",
    follows: { fn: "smb_extract_iter_to_rdma", file: "fs/smb/client/smbdirect.c" },
    era: "smb_extract_iter_to_rdma_fn",
    args: sgeListArgs,
    vars: { reads: { iter: "iter" }, opens: { rdma: "rdma" } },
  }),
  ib_map_mr_sg: op({
    summary: "registers a DMA-mapped sg table's pages in a fast-registration MR",
    follows: { fn: "ib_map_mr_sg", file: "drivers/infiniband/core/verbs.c" },
    args: () => ({
      sgt: arg.name("the sg table"),
      mr: arg.name("the MR (created by the first call)"),
      page_size: arg.num("the MR's page size"),
      max_num_sg: arg.num("the MR's page list capacity"),
      sg_offset: arg.num("offset into the first entry").default(0),
    }),
    vars: { reads: { sgt: "sgt" }, opens: { mr: "mr" } },
  }),
  bio_iov_iter_get_pages: op({
    summary: "adds an iterator's pages to a bio",
    follows: { fn: "bio_iov_iter_get_pages", file: "block/bio.c" },
    args: () => ({
      iter: arg.name("the iterator"),
      bio: arg.name("the bio (created by the first call)"),
      max_vecs: arg.num("the bio's bvec capacity"),
      lbs: arg.num("the device's logical block size"),
      pos: arg.num("the file position (for the block-size alignment)").optional(),
      dma_alignment: arg.num("the queue's dma_alignment mask").default(511),
      p2p: arg.bool("whether the queue accepts peer-to-peer DMA pages").default(false),
    }),
    vars: { reads: { iter: "iter" }, opens: { bio: "bio" } },
  }),
  submit_bio: op({
    summary: "submits a built bio: from 6.18 the split check fails a misaligned bio with -EINVAL",
    follows: { fn: "bio_split_rw_at", file: "block/blk-merge.c" },
    args: () => ({
      bio: arg.name("the bio"),
      dma_alignment: arg.num("the queue's dma_alignment mask").default(511),
      bio_based: arg.bool(
        "a bio-based or stacking driver (submit_bio_noacct to a driver's ->submit_bio): no blk-mq split check; a misaligned bvec reaches the driver (default false)",
      ).optional(),
    }),
    vars: { reads: { bio: "bio" } },
  }),
  bio_release_pages: op({
    summary: "releases a bio's pages (unpins or puts them)",
    follows: { fn: "bio_release_pages", file: "block/blk.h" },
    args: () => ({ bio: arg.name("the bio"), dirty: arg.bool("mark the pages dirty first") }),
    vars: { reads: { bio: "bio" } },
  }),
};
