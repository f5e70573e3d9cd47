/**
 * Op handlers for conversions: sg tables (sg_init_table, sg_alloc_table,
 * sg_alloc_table_from_pages_segment, sg_alloc_append_table_from_pages, extract_iter_to_sg),
 * RDMA (smb_extract_iter_to_rdma, ib_map_mr_sg), bios (bio_iov_iter_get_pages,
 * bio_release_pages) and netfs_limit_iter.
 *
 * @module
 */
import type { Handlers, OpCtx } from "./handler.ts";
import type { OpArgs } from "../trace/schema.ts";
import type { OpNode } from "../trace/load.ts";
import { sgAllocTable, sgAppendFromPages, sgInitTable, type SgTable } from "../convert/sg.ts";
import { extractIterToSg } from "../convert/to_sg.ts";
import { pushSge, rdmaList, sgeCount, smbExtractIterToRdma } from "../convert/rdma.ts";
import { ibMapMrSg } from "../convert/frwr.ts";
import { bioIovIterGetPages, bioSubmitCheck, misalignedBvec, releaseBio } from "../convert/bio.ts";
import { netfsLimitIter } from "../convert/netfs_limit.ts";
import { hex, type Pfn } from "../types.ts";
import { retentionOf } from "./lists.ts";
import type { Var } from "./vars.ts";

/** The sg table a name refers to. */
function sgt(r: OpCtx, name: string): SgTable {
  const v = r.scope.variable(name, ["sgt"]);
  if (v.type !== "sgt") return r.error(`"${name}" is not an sg table`, ["sgt"]);
  return v.sgt;
}

function pfnsArg(
  r: OpCtx,
  a: { pages?: string; pfns?: number[] },
): { pfns: Pfn[]; retention: "pin" | "ref" | "none" } {
  if (a.pfns) return { pfns: a.pfns, retention: "none" };
  if (!a.pages) return r.error("give pages (a page list variable) or pfns", ["pages"]);
  r.scope.variable(a.pages, ["pages"]);
  const list = r.scope.listOf(a.pages);
  if (!list) return r.error(`"${a.pages}" is not a page list`, ["pages"]);
  return { pfns: list.entries.map((e) => e.pfn), retention: retentionOf(list) };
}

type VarOf<T extends Var["type"]> = Extract<Var, { type: T }>;

/**
 * The object an `opens` argument names: the existing one, which must be a `type` (`what`
 * in the error), or the one `make` builds, defined under the name (created by the first call,
 * appended to by later ones).
 */
function opened<T extends "rdma" | "mr" | "bio">(
  r: OpCtx,
  name: string,
  type: T,
  what: string,
  make: () => VarOf<T>,
): VarOf<T> {
  const v = r.scope.get(name);
  if (!v) {
    const made = make();
    r.scope.define(name, made, [type]);
    return made;
  }
  if (v.type !== type) return r.error(`"${name}" is not ${what}`, [type]);
  return v as VarOf<T>;
}

/**
 * smb_extract_iter_to_rdma (6.3 to 7.0) and smbdirect_map_sges_from_iter (7.1+): the SGE list
 * is created by the first call and appended to by later ones.
 */
export function mapSges(
  r: OpCtx,
  a: OpArgs<"smb_extract_iter_to_rdma">,
  node: OpNode,
  fn: "smb_extract_iter_to_rdma" | "smbdirect_map_sges_from_iter",
): number {
  const it = r.scope.iter(a.iter);
  const { rdma } = opened(r, a.rdma, "rdma", "an rdma SGE list", () => {
    const list = rdmaList({
      name: a.rdma,
      maxSge: a.max_sge,
      lkey: a.lkey,
      dir: a.dma_dir,
      step: node.index,
    }, r.mem.pageSize);
    for (let i = 0; i < a.reserve; i++) {
      pushSge(list, { addr: 0, length: 0, lkey: a.lkey, pfn: -1, offset: 0, reserved: true });
    }
    return { type: "rdma", rdma: list };
  });
  const used = sgeCount(rdma);
  if (used >= rdma.maxSge) {
    r.warn(
      "segment_limit",
      { fn, list: a.rdma, used, limit: rdma.maxSge },
      `${fn}: "${a.rdma}" already holds ${used} of ${rdma.maxSge} SGEs`,
      {
        cause: rdma.step,
      },
    );
  }
  return smbExtractIterToRdma(r.model, it, a.len, rdma, r.dma, fn, a.fail_map_at);
}

/** Handlers by op name. */
export const CONVERT_HANDLERS = {
  sg_init_table(r, a, node) {
    r.scope.define(a.sgt, { type: "sgt", sgt: sgInitTable(a.sgt, a.nents, node.index) }, ["sgt"]);
  },
  sg_alloc_table(r, a, node) {
    const t = sgAllocTable(a.sgt, a.nents, node.index);
    if (typeof t === "number") return t;
    r.scope.define(a.sgt, { type: "sgt", sgt: t }, ["sgt"]);
    return 0;
  },
  sg_alloc_table_from_pages_segment(r, a, node) {
    const { pfns, retention } = pfnsArg(r, a);
    const t = sgInitTable(a.sgt, 0, node.index);
    const ret = sgAppendFromPages(r.mem, t, {
      pfns,
      offset: a.offset,
      size: a.size,
      maxSegment: a.max_segment,
      leftPages: 0,
      append: false,
      retention,
      step: node.index,
    });
    if (ret < 0) {
      r.warn(
        "invalid_argument",
        { fn: "sg_alloc_table_from_pages_segment", arg: "max_segment", value: a.max_segment },
        `sg_alloc_table_from_pages_segment: max_segment ${
          hex(a.max_segment)
        } is below a page: WARN, -EINVAL`,
      );
      return ret;
    }
    r.scope.define(a.sgt, { type: "sgt", sgt: t }, ["sgt"]);
    return ret;
  },
  sg_alloc_append_table_from_pages(r, a, node) {
    const { pfns, retention } = pfnsArg(r, a);
    const existing = r.scope.get(a.sgt);
    let t: SgTable;
    if (existing) {
      if (existing.type !== "sgt") return r.error(`"${a.sgt}" is not an sg table`, ["sgt"]);
      t = existing.sgt;
    } else {
      t = sgInitTable(a.sgt, 0, node.index);
    }
    const ret = sgAppendFromPages(r.mem, t, {
      pfns,
      offset: a.offset,
      size: a.size,
      maxSegment: a.max_segment,
      leftPages: a.left_pages,
      append: true,
      retention,
      step: node.index,
    });
    if (ret < 0) {
      const small = a.max_segment < r.mem.pageSize;
      r.warn(
        "invalid_argument",
        {
          fn: "sg_alloc_append_table_from_pages",
          arg: small ? "max_segment" : "offset",
          value: small ? a.max_segment : a.offset,
        },
        small
          ? `sg_alloc_append_table_from_pages: max_segment ${
            hex(a.max_segment)
          } is below a page: WARN, -EINVAL`
          : `sg_alloc_append_table_from_pages: appending with offset ${
            hex(a.offset)
          }: WARN, -EINVAL`,
      );
      return ret;
    }
    if (!existing) r.scope.define(a.sgt, { type: "sgt", sgt: t }, ["sgt"]);
    return ret;
  },
  extract_iter_to_sg(r, a, node) {
    const it = r.scope.iter(a.iter);
    const t = sgt(r, a.sgt);
    if ((it.kind === "ubuf" || it.kind === "iovec") && a.maxsize > it.count) {
      r.warn(
        "extract_beyond_count",
        { fn: "extract_iter_to_sg", iter: it.name, maxsize: a.maxsize, count: it.count },
        `extract_iter_to_sg asks for ${hex(a.maxsize)} bytes of "${it.name}", which holds ${
          hex(it.count)
        }: after draining it the next extraction returns 0${
          r.profile.has("extract_to_sg_zero_fail")
            ? ", the whole call is rolled back and the iterator stays advanced"
            : " and the loop spins"
        }`,
        { cause: it.createdAt },
      );
    }
    t.dir ??= it.dir;
    return extractIterToSg(r.model, it, t, {
      maxsize: a.maxsize,
      sgMax: a.sg_max,
      p2pdma: (a.flags ?? []).includes("p2pdma"),
      step: node.index,
    }, r.holds);
  },
  smb_extract_iter_to_rdma: (r, a, node) => mapSges(r, a, node, "smb_extract_iter_to_rdma"),
  ib_map_mr_sg(r, a, node) {
    const t = sgt(r, a.sgt);
    if (!t.mapped) {
      for (let i = 0; i < t.nents; i++) {
        const e = t.entries[i];
        e.dmaAddress = r.dma.map(e.pfn, e.offset, e.length);
      }
      t.mapped = true;
    }
    const { mr } = opened(r, a.mr, "mr", "an MR", () => ({
      type: "mr",
      mr: {
        name: a.mr,
        ret: 0,
        iova: 0,
        length: 0,
        pages: [],
        pageSize: a.page_size,
        maxNumSg: a.max_num_sg,
        gapAt: undefined,
        step: node.index,
      },
    }));
    const ret = ibMapMrSg(t, mr, a.sg_offset);
    if (mr.gapAt !== undefined) {
      const e = t.entries[mr.gapAt];
      r.warn(
        "frwr_gap",
        { sgt: t.name, entry: mr.gapAt, nents: t.nents },
        `ib_map_mr_sg: entry ${mr.gapAt} of "${t.name}" (${r.mem.pageName(e.pfn)} +${
          hex(e.offset)
        }) is not ${
          hex(a.page_size)
        }-aligned and does not continue the previous entry: only ${mr.gapAt} of ${t.nents} entries are registered`,
        { cause: t.step },
      );
    } else if (ret >= 0 && ret < t.nents) {
      r.warn(
        "segment_limit",
        { fn: "ib_map_mr_sg", list: a.mr, used: ret, limit: a.max_num_sg },
        `ib_map_mr_sg: the MR's page list (max_num_sg ${a.max_num_sg}) fills after ${ret} of ${t.nents} entries`,
        { cause: t.step },
      );
    }
    return ret;
  },
  bio_iov_iter_get_pages(r, a, node) {
    const it = r.scope.iter(a.iter);
    const { bio } = opened(r, a.bio, "bio", "a bio", () => ({
      type: "bio",
      bio: {
        name: a.bio,
        bvec: [],
        maxVecs: a.max_vecs,
        size: 0,
        pinned: false,
        reffed: false,
        cloned: false,
        released: false,
        ioComplete: false,
        step: node.index,
        dir: it.dir,
      },
    }));
    const hadPinned = bio.pinned, hadBorrowed = bio.cloned;
    const ret = bioIovIterGetPages(r.model, it, bio, {
      lbs: a.lbs,
      pos: a.pos,
      dmaAlignment: a.dma_alignment,
      p2p: a.p2p,
      step: node.index,
    }, r.holds);
    if ((hadPinned && bio.cloned && !hadBorrowed) || (hadBorrowed && bio.pinned && !hadPinned)) {
      r.warn(
        "mixed_retention",
        { fn: node.op, list: bio.name },
        `bio "${bio.name}" now holds pinned user pages and a borrowed BVEC array: BIO_PAGE_PINNED makes bio_release_pages unpin the borrowed pages too`,
        { cause: bio.step },
      );
    }
    return ret;
  },
  submit_bio(r, a) {
    const v = r.scope.variable(a.bio, ["bio"]);
    if (v.type !== "bio") return r.error(`"${a.bio}" is not a bio`, ["bio"]);
    if (a.bio_based) {
      // a bio-based or stacking driver is handed the bio as built: blk-mq's split check
      // (bio_split_rw_at) is not on its path, so nothing refuses a misaligned bvec
      const bad = misalignedBvec(r.model, v.bio, a.dma_alignment);
      if (bad) {
        r.warn(
          "misaligned_bio",
          { list: v.bio.name, entry: bad.entry, offset: bad.offset, bytes: bad.len },
          `bio "${v.bio.name}" reaches a bio-based driver with bvec[${bad.entry}] (offset 0x${
            bad.offset.toString(16)
          }, length 0x${bad.len.toString(16)}), not a multiple of dma_alignment + 1 (${
            a.dma_alignment + 1
          }): the direct I/O path checked nothing before submitting it`,
          { cause: v.bio.step },
        );
      }
      return 0;
    }
    return bioSubmitCheck(r.model, v.bio, a.dma_alignment);
  },
  bio_release_pages(r, a) {
    const v = r.scope.variable(a.bio, ["bio"]);
    if (v.type !== "bio") return r.error(`"${a.bio}" is not a bio`, ["bio"]);
    const bio = v.bio;
    if (bio.pinned && bio.dir === "dest" && bio.ioComplete && !a.dirty) {
      r.warn(
        "missing_dirty",
        { fn: "bio_release_pages", list: bio.name },
        `bio_release_pages("${bio.name}", false) after a read completed: the pages are not marked dirty`,
        { cause: bio.step },
      );
    }
    releaseBio(r.model, bio, r.holds, a.dirty);
  },
  netfs_limit_iter(r, a) {
    const it = r.scope.iter(a.iter);
    return netfsLimitIter(r.model, it, a.start_offset, a.max_size, a.max_segs);
  },
} satisfies Partial<Handlers>;
