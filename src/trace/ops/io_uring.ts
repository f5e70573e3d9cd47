/**
 * io_uring's registered buffers (io_uring/rsrc.c; fs/io_uring.c before 6.0): registration
 * pins every page long-term, a fixed-buffer request reads or writes through a BVEC over the
 * registered pages (no pins of its own), unregistration or ring exit drops the pins.
 * Registration has pinned with FOLL_PIN | FOLL_LONGTERM since 5.6: John Hubbard's
 * "fs/io_uring: set FOLL_PIN via pin_user_pages()" (v12 16/22 of the FOLL_PIN series,
 * <20200107224558.2362728-17-jhubbard@nvidia.com>, merged for 5.6; before it get_user_pages,
 * FOLL_GET refs). That is before the oldest modelled release (5.15), so no era row bounds
 * these ops. The three functions the ops follow are in fs/io_uring.c in 5.15 already
 * (io_buffer_unmap since the buffer-table rework posted in December 2020; the pinning sits in
 * io_sqe_buffer_register itself before io_pin_pages() took it); src/replay/io_uring.ts says
 * what 6.1 and 6.12 do that the handlers do not follow.
 *
 * @module
 */
import { arg } from "../args.ts";
import { op } from "./decl.ts";

const rsrc = "io_uring/rsrc.c";

/** io_uring buffer registration ops. */
export const IO_URING_OPS = {
  io_sqe_buffer_register: op({
    summary:
      "IORING_REGISTER_BUFFERS for one buffer: pins its pages FOLL_WRITE | FOLL_LONGTERM (io_pin_pages) until io_buffer_unmap",
    follows: { fn: "io_sqe_buffer_register", file: rsrc },
    args: () => ({
      addr: arg.addr("user address of the buffer (iov_base)", "len"),
      len: arg.moveLen("length of the buffer (iov_len)"),
      as: arg.name("name of the registered buffer (a page list, one entry per page)"),
    }),
    vars: { creates: { as: "pages" } },
  }),
  io_import_fixed: op({
    summary:
      "a fixed-buffer request's iterator: an ITER_BVEC over the registered pages, starting at the request's offset into the buffer; takes no pins",
    follows: { fn: "io_import_fixed", file: rsrc },
    args: () => ({
      iter: arg.name("name of the BVEC iterator made"),
      dir: arg.dir(),
      buf: arg.name("the registered buffer (io_sqe_buffer_register's page list)"),
      offset: arg.num("the request's address minus the buffer's address"),
      len: arg.moveLen("the request's length"),
    }),
    vars: { reads: { buf: "pages" }, creates: { iter: "iter" } },
  }),
  io_buffer_unmap: op({
    summary:
      "IORING_UNREGISTER_BUFFERS or ring exit: unpins every page of a registered buffer and ends it",
    follows: { fn: "io_buffer_unmap", file: rsrc },
    args: () => ({ buf: arg.name("the registered buffer") }),
    vars: { releases: { buf: "pages" } },
  }),
};
