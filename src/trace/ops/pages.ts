/**
 * Ops that take pages out of an iterator (GUP and extraction) and that release them.
 *
 * @module
 */
import { z } from "zod";
import { arg } from "../args.ts";
import { once, op } from "./decl.ts";

const lib = "lib/iov_iter.c", gup = "mm/gup.c";
const getPagesArgs = once(() => ({
  iter: arg.name("the iterator to take pages from"),
  maxsize: arg.num("the most bytes to take"),
  maxpages: arg.num("the most pages to take (the _alloc variants allocate the array instead)"),
  as: arg.name("name of the page list made"),
}));
const pagesArgs = once(() => ({
  pages: arg.name("the page list (or the BVEC netfs_extract_user_iter made)"),
  index: arg.num("release only this entry").optional(),
  range: z.tuple([arg.num("first entry"), arg.num("entry after the last")]).optional().describe(
    "release entries [from, to)",
  ),
  dirty: arg.bool("mark the pages dirty first (unpin_user_pages_dirty_lock)").optional(),
}));
const readsIter = { reads: { iter: "iter" }, creates: { as: "pages" } } as const;
const readsPages = { reads: { pages: "pages" } } as const;

/** Page extraction and release. */
export const PAGE_OPS = {
  iov_iter_get_pages2: op({
    summary: "takes refs on the iterator's next pages and advances it",
    follows: { fn: "iov_iter_get_pages2", file: lib },
    era: "get_pages2",
    args: getPagesArgs,
    vars: readsIter,
  }),
  iov_iter_get_pages_alloc2: op({
    summary: "iov_iter_get_pages2 with an allocated page array",
    follows: { fn: "iov_iter_get_pages_alloc2", file: lib },
    era: "get_pages2",
    args: getPagesArgs,
    vars: readsIter,
  }),
  iov_iter_get_pages: op({
    summary: "takes refs on the iterator's next pages without advancing it",
    follows: { fn: "iov_iter_get_pages", file: lib },
    era: "get_pages_noadvance",
    args: getPagesArgs,
    vars: readsIter,
  }),
  iov_iter_get_pages_alloc: op({
    summary: "iov_iter_get_pages with an allocated page array",
    follows: { fn: "iov_iter_get_pages_alloc", file: lib },
    era: "get_pages_noadvance",
    args: getPagesArgs,
    vars: readsIter,
  }),
  iov_iter_extract_pages: op({
    summary: "extracts the iterator's next pages: pins user pages, holds nothing on others",
    follows: { fn: "iov_iter_extract_pages", file: lib },
    era: "extract_pages",
    args: () => ({
      ...getPagesArgs(),
      flags: arg.flags(),
      alloc: z.boolean().optional().describe(
        "*pages is NULL: the function kvmallocs the page array (the caller kvfrees it)",
      ),
    }),
    vars: readsIter,
  }),
  unpin_user_page: op({
    summary: "drops the pin on one page",
    follows: { fn: "unpin_user_page", file: gup },
    args: pagesArgs,
    vars: readsPages,
  }),
  unpin_user_pages: op({
    summary: "drops the pins on a list's pages",
    follows: { fn: "unpin_user_pages", file: gup },
    args: pagesArgs,
    vars: readsPages,
  }),
  unpin_user_pages_dirty_lock: op({
    summary: "drops the pins on a list's pages, marking them dirty if asked",
    follows: { fn: "unpin_user_pages_dirty_lock", file: gup },
    args: pagesArgs,
    vars: readsPages,
  }),
  put_page: op({
    summary: "drops a plain page reference on a list's pages",
    follows: { fn: "put_page", file: "include/linux/mm.h" },
    args: pagesArgs,
    vars: readsPages,
  }),
  netfs_extract_user_iter: op({
    summary: "pins a user iterator's pages into a new BVEC iterator for async I/O",
    follows: { fn: "netfs_extract_user_iter", file: "fs/netfs/iterator.c" },
    era: "extract_pages",
    args: () => ({
      iter: arg.name("the user-backed iterator"),
      len: arg.num("bytes to extract"),
      new: arg.name("name of the BVEC iterator made"),
      flags: arg.flags(),
    }),
    vars: { reads: { iter: "iter" }, creates: { new: "iter" } },
  }),
};
