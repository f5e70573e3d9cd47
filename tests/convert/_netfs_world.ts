/**
 * The memory the netfs tests (netfs_test.ts, netfs_limit_kernel_test.ts) replay in: a user
 * buffer, kernel pages from the page allocator and vmalloc, a file of 16 KiB folios and one of
 * mixed folio sizes with a hole.
 */
import {
  fileSpec,
  kernelRegion,
  makeCtx,
  memSpec,
  PAGE,
  type TestCtx,
  userRegion,
} from "../_helpers.ts";

/** The world in `release`: regions buf, pg, core; files f16k and data. */
export function netfsWorld(release = "latest"): TestCtx {
  return makeCtx(
    memSpec({
      user: [userRegion("buf", 8 * PAGE)],
      kernel: [
        kernelRegion("pg", 8 * PAGE, { kind: "page_alloc" }),
        kernelRegion("core", 16 * PAGE, { kind: "vmalloc" }),
      ],
      files: [
        fileSpec("f16k", 16 * PAGE, { folio_order: 2 }),
        // the folio layout of traces/convert/FOLIOQ+smb_extract_iter_to_rdma+max_sge.yaml:
        // 16 KiB at 0, 4 KiB at 4 and 5, a hole at 6-7, 8 KiB at 8
        fileSpec("data", 16 * PAGE, {
          folios: [
            { index: 0, order: 2, pfn: 0x4000 },
            { index: 4, order: 0, pfn: 0x5000 },
            { index: 5, order: 0, pfn: 0x6003 },
            { index: 8, order: 1, pfn: 0x7000 },
          ],
        }),
      ],
    }),
    release,
  );
}

/** The frame of page `page` of region "pg". */
export const pgPfn = (c: TestCtx, page: number) => c.mem.regions.get("pg")!.pfnOf(page);
