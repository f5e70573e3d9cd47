/**
 * Lifecycle ops: I/O completion, syscall returns, frees, truncation, fork, and the end of a
 * variable.
 *
 * @module
 */
import { z } from "zod";
import { arg } from "../args.ts";
import { once, op } from "./decl.ts";

const iters = once(() => z.array(arg.name("an iterator")).describe("the iterators the call owned"));

/** I/O completion, returns, frees. */
export const LIFECYCLE_OPS = {
  io_complete: op({
    summary: "the device finished the I/O on a page list, table, bio or SGE list",
    args: () => ({
      of: arg.name("what the I/O used"),
      bytes: arg.num("bytes transferred").optional(),
    }),
    vars: { reads: { of: "any" } },
  }),
  syscall_return: op({
    summary: "the syscall returns: its on-stack iterators and iovec arrays are gone",
    args: () => ({ iters: iters() }),
    vars: { reads: { iters: "iter" } },
  }),
  async_return: op({
    summary: "the call returned -EIOCBQUEUED: the I/O continues, the caller's stack is gone",
    args: () => ({ iters: iters() }),
    vars: { reads: { iters: "iter" } },
  }),
  kfree: op({
    summary: "frees a kmalloc or slab region",
    follows: { fn: "kfree", file: "mm/slub.c" },
    args: () => ({ region: arg.region("the kernel region") }),
  }),
  vfree: op({
    summary: "frees a vmalloc region",
    follows: { fn: "vfree", file: "mm/vmalloc.c" },
    args: () => ({ region: arg.region("the kernel region") }),
  }),
  munmap: op({
    summary: "unmaps a user region",
    follows: { fn: "__vm_munmap", file: "mm/mmap.c" },
    args: () => ({ region: arg.region("the user region") }),
  }),
  truncate: op({
    summary: "truncates a file, dropping page cache pages past the new size",
    follows: { fn: "truncate_inode_pages_range", file: "mm/truncate.c" },
    args: () => ({ file: arg.file("the file"), size: arg.num("the new size") }),
  }),
  fork: op({
    summary: "the process forks: anonymous pages become copy-on-write",
    follows: { fn: "copy_page_range", file: "mm/memory.c" },
    args: () => ({}),
  }),
  splice_return: op({
    summary: "the splice call returns, unlocking the pipe",
    follows: { fn: "splice_file_to_pipe", file: "fs/splice.c" },
    args: () => ({
      pipe: arg.pipe("the pipe"),
      ret: arg.slen("the value the call returns"),
    }),
  }),
  free: op({
    summary: "ends a variable (the name may be defined again)",
    args: () => ({ var: arg.name("the variable") }),
    vars: { releases: { var: "any" } },
  }),
};
