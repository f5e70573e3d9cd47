/**
 * ITER_BVECQ (7.4): the queue constructor and the queue's release, which applies the release
 * policy each bvecq segment carries (`free`, `unpin`).
 *
 * @module
 */
import { z } from "zod";
import { arg } from "../args.ts";
import { once, op } from "./decl.ts";

const qseg = once(() =>
  z.object({
    page: arg.page("the page (bv_page); omitted: NULL, an empty bvec").optional(),
    offset: arg.num("offset into the page (bv_offset)").default(0),
    len: arg.num("length (bv_len)").default(0),
  }).strict()
);

/** The bvecq ops. */
export const BVECQ_OPS = {
  iov_iter_bvec_queue: op({
    summary: "an ITER_BVECQ iterator over a chain of bvecq segments of bio_vecs",
    follows: { fn: "iov_iter_bvec_queue", file: "lib/iov_iter.c" },
    era: "iter_bvecq",
    args: () => ({
      iter: arg.name("name of the new iterator"),
      dir: arg.dir(),
      queue: z.array(
        z.object({
          bvec: z.array(qseg()).describe("the segment's bio_vecs (bv[0..nr_slots))"),
          free: z.boolean().default(false).describe(
            "the queue owns the pages: releasing it puts them",
          ),
          unpin: z.boolean().default(false).describe(
            "the pages were pinned from user memory: releasing the queue unpins them",
          ),
        }).strict(),
      ).min(1).describe("the bvecq segments, in next order"),
      slot: arg.num("first slot of the first segment (first_slot)").default(0),
      offset: arg.num("offset into that bvec").default(0),
      count: arg.num("bytes to iterate"),
    }),
    vars: { creates: { iter: "iter" } },
  }),
  bvecq_put: op({
    summary: "releases a bvecq: each segment's pages unpinned or put as its flags say",
    follows: { fn: "bvecq_put", file: "lib/bvecq.c" },
    era: "iter_bvecq",
    args: () => ({ iter: arg.name("the ITER_BVECQ iterator whose queue is released") }),
    vars: { releases: { iter: "iter" } },
  }),
};
