/**
 * Ops that move bytes: pattern fills, copies between memory and an iterator, zeroing, and
 * injected faults.
 *
 * @module
 */
import { z } from "zod";
import { arg, pattern } from "../args.ts";
import { once, op } from "./decl.ts";

const iter = once(() => arg.name("the iterator"));
const uio = "include/linux/uio.h", lib = "lib/iov_iter.c";

/** Fills, copies and faults. */
export const COPY_OPS = {
  fill: op({
    summary: "writes a pattern into memory (trace set-up, not a kernel call)",
    args: () => ({
      at: arg.addr("where to start writing", "len"),
      len: arg.moveLen("bytes to write"),
      pattern: pattern.describe("zero, index, index_sum, {byte: N} or {random: SEED}"),
      origin: z.enum(["range", "region"]).optional().describe(
        "whether index patterns count from the start of the range (default) or of the region",
      ),
    }),
  }),
  copy_to_iter: op({
    summary: "copies bytes from memory into the iterator",
    follows: { fn: "copy_to_iter", file: uio },
    args: () => ({
      iter: iter(),
      from: arg.addr("the bytes to copy", "bytes"),
      bytes: arg.moveLen("bytes to copy"),
    }),
    vars: { reads: { iter: "iter" } },
  }),
  copy_from_iter: op({
    summary: "copies bytes out of the iterator into memory",
    follows: { fn: "copy_from_iter", file: uio },
    args: () => ({
      iter: iter(),
      to: arg.addr("where the bytes go", "bytes"),
      bytes: arg.moveLen("bytes to copy"),
    }),
    vars: { reads: { iter: "iter" } },
  }),
  copy_from_iter_full: op({
    summary: "copies bytes out of the iterator; all or nothing (reverts on a short copy)",
    follows: { fn: "copy_from_iter_full", file: uio },
    args: () => ({
      iter: iter(),
      to: arg.addr("where the bytes go", "bytes"),
      bytes: arg.moveLen("bytes to copy"),
    }),
    vars: { reads: { iter: "iter" } },
  }),
  copy_page_to_iter: op({
    summary: "copies part of one page into the iterator",
    follows: { fn: "copy_page_to_iter", file: lib },
    args: () => ({
      iter: iter(),
      page: arg.page("the source page"),
      offset: arg.num("offset into the page"),
      bytes: arg.moveLen("bytes to copy"),
    }),
    vars: { reads: { iter: "iter" } },
  }),
  iov_iter_zero: op({
    summary: "writes zeroes into the iterator",
    follows: { fn: "iov_iter_zero", file: lib },
    args: () => ({ iter: iter(), bytes: arg.moveLen("bytes to zero") }),
    vars: { reads: { iter: "iter" } },
  }),
  fault_inject: op({
    summary: "makes user accesses to a range fault from now on (trace set-up)",
    args: () => ({
      at: arg.addr("start of the faulting range"),
      len: arg.num("length of the faulting range"),
    }),
  }),
};
