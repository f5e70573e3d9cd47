/**
 * The one schema of the trace format (trace-format.md), in zod. The loader validates with
 * it, `itertrace schema` prints it as JSON Schema. Objects are strict at every depth:
 * unknown keys are errors.
 *
 * @module
 */
import { z } from "zod";
import { parseAddrExpr, parseBig, parsePageExpr } from "./num.ts";
import { type WarningCode, WARNINGS } from "../check/warnings.ts";

/** Largest region or file size accepted (1 TiB): pages are stored lazily, frames are not. */
export const MAX_REGION_SIZE = 2 ** 40;
/** Largest number of bytes one op may move or hash (256 MiB), bounding memory use. */
export const MAX_MOVE = 2 ** 28;

function numberSchema(opts: { min?: number; max?: number; what?: string }) {
  const min = opts.min ?? 0, max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return z.union([z.number(), z.string()], {
    error: (iss) =>
      `expected a number (123, "0x1f00", "4K"), got ${
        JSON.stringify(iss.input) ?? String(iss.input)
      }`,
  }).transform((v, ctx) => {
    const n = typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)
      ? BigInt(v)
      : parseBig(v);
    if (n === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `expected a number (123, "0x1f00", "4K"), got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    if (n < BigInt(min)) {
      ctx.addIssue({ code: "custom", message: `must be at least ${min}, got ${n}` });
      return z.NEVER;
    }
    if (n > BigInt(max)) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${max === Number.MAX_SAFE_INTEGER ? "2^53" : max}${
          opts.what ? ` (${opts.what})` : ""
        }, got ${
          typeof v === "number" && Number.isSafeInteger(v)
            ? v
            : n > 1n << 53n
            ? "2^" + (n.toString(2).length - 1) + " or more"
            : n
        }`,
      });
      return z.NEVER;
    }
    return Number(n);
  });
}

/** A non-negative count, offset or length. */
export const num = numberSchema({});
/** A size of memory (region, file). */
export const size = numberSchema({ max: MAX_REGION_SIZE, what: "1 TiB" });
/** A number of bytes an op moves. */
export const moveLen = numberSchema({ max: MAX_MOVE, what: "256 MiB per op" });
/** A page frame number: below 2^40 (4 PiB of physical memory). */
export const pfnNum = numberSchema({ max: 2 ** 40, what: "pfn" });
/** A signed length (import_iovec takes ssize_t lengths: negative is -EINVAL). */
export const slen = numberSchema({ min: Number.MIN_SAFE_INTEGER });
/** A 64-bit value such as a mask or key, kept as bigint. */
export const u64 = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseBig(v);
  if (n === undefined || n < 0n || n >= 1n << 64n) {
    ctx.addIssue({
      code: "custom",
      message: `expected a 64-bit unsigned number, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return n;
});

/** A variable, region or file name. */
export const name = z.string().regex(
  /^[A-Za-z_][\w.-]*$/,
  "expected a name (letters, digits, _ . -)",
);

/** An address expression: "region+offset", "region" or an absolute hex address. */
export const addr = z.union([z.string(), z.number()]).refine(
  (v) => parseAddrExpr(v) !== undefined,
  { message: 'expected an address: "<region>+<offset>", "<region>" or "0x..."' },
);

/** A page: "region[i]", "owner:n" or {pfn: N}. */
export const page = z.union([
  z.string(),
  z.object({ pfn: z.union([z.number(), z.string()]) }).strict(),
])
  .refine((v) => parsePageExpr(v) !== undefined, {
    message: 'expected a page: "<region>[<i>]", "<owner>:<n>" or {pfn: N}',
  });

const dir = z.enum(["source", "dest"]);

/** Fill patterns (section 4). */
export const pattern = z.union([
  z.enum(["zero", "index", "index_sum"]),
  z.object({ byte: numberSchema({ max: 255 }) }).strict(),
  z.object({ random: numberSchema({ max: 0xffffffff }) }).strict(),
]);

const regionFill = z.union([
  pattern,
  z.object({ pattern }).strict(),
]);

// ---------------------------------------------------------------- memory (section 2)

const userRegion = z.object({
  region: name,
  addr: z.string().regex(
    /^0x[0-9a-fA-F]{1,12}$/,
    "expected a user address in hex, below 0x1000000000000",
  ).optional(),
  size,
  vma: z.enum(["anon", "file", "shmem", "hugetlb", "pfnmap", "io", "p2p", "unmapped"]).default(
    "anon",
  ),
  prot: z.enum(["rw", "r"]).default("rw"),
  folio_order: numberSchema({ max: 18 }).default(0),
  populated: z.boolean().default(true),
  pfns: z.array(pfnNum).optional(),
  fill: regionFill.optional(),
}).strict();

const kernelRegion = z.object({
  region: name,
  kind: z.enum([
    "kmalloc",
    "slab",
    "page_alloc",
    "vmalloc",
    "module",
    "rodata",
    "stack",
    "ioremap",
    "highmem",
  ]),
  size,
  folio_order: numberSchema({ max: 18 }).default(0),
  pfns: z.array(pfnNum).optional(),
  fill: regionFill.optional(),
}).strict();

const fileSpec = z.object({
  name,
  size,
  folio_order: numberSchema({ max: 18 }).default(0),
  folios: z.array(
    z.object({ index: num, order: numberSchema({ max: 18 }), pfn: pfnNum.optional() }).strict(),
  )
    .optional(),
  fill: regionFill.optional(),
}).strict();

const pipeSpec = z.object({ name, max_usage: numberSchema({ min: 1, max: 65536 }).default(16) })
  .strict();

export const memory = z.object({
  user: z.array(userRegion).optional(),
  tasks: z.array(z.object({ name, user: z.array(userRegion) }).strict()).optional(),
  kernel: z.array(kernelRegion).optional(),
  files: z.array(fileSpec).optional(),
  pipes: z.array(pipeSpec).optional(),
}).strict();

// ---------------------------------------------------------------- expectations (section 5)

const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const when = z.string().max(64).regex(
  /^\s*(?:>=|<=|>|<|==|=)?\s*(?:\d+\.\d+|latest)(?:\s+(?:>=|<=|>|<|==|=)?\s*(?:\d+\.\d+|latest))*\s*$/,
  'expected an era condition such as ">=6.13", "<7.0" or ">=6.3 <6.5"',
);
const counters = z.object({
  acquired: num.optional(),
  released: num.optional(),
  outstanding: num.optional(),
  pages: z.record(z.string(), num).optional(),
  folios: z.record(
    z.string(),
    z.object({
      refcount: num.optional(),
      pincount: num.optional(),
      maybe_dma_pinned: z.boolean().optional(),
    }).strict(),
  ).optional(),
  when: when.optional(),
}).strict();
const warningCode = z.enum(Object.keys(WARNINGS) as [WarningCode, ...WarningCode[]], {
  error: (iss) => `unknown warning code ${JSON.stringify(iss.input)} (see itertrace explain)`,
});
const warningItem = z.union([
  warningCode,
  z.object({
    code: warningCode,
    cause: z.union([z.number(), z.string()]).optional(),
    page: z.string().optional(),
  })
    .strict(),
]);
const segItem = z.object({
  base: scalar.optional(),
  len: scalar.optional(),
  page: page.optional(),
  offset: scalar.optional(),
  file: scalar.optional(),
  start: scalar.optional(),
}).strict();
export const iterExpect = z.object({
  kind: z.enum(["ubuf", "iovec", "kvec", "bvec", "xarray", "folioq", "discard", "pipe"]).optional(),
  dir: dir.optional(),
  count: scalar.optional(),
  iov_offset: scalar.optional(),
  nr_segs: scalar.optional(),
  xarray_start: scalar.optional(),
  slot: scalar.optional(),
  head: scalar.optional(),
  start_head: scalar.optional(),
  last_offset: scalar.optional(),
  segs: z.array(segItem).optional(),
  when: when.optional(),
}).strict();
const sgtExpect = z.object({
  nents: scalar.optional(),
  orig_nents: scalar.optional(),
  end: scalar.optional(),
  blocks: scalar.optional(),
  entries: z.array(
    z.object({
      page: page.optional(),
      offset: scalar.optional(),
      length: scalar.optional(),
      dma_address: scalar.optional(),
    }).strict(),
  ).optional(),
  when: when.optional(),
}).strict();
const rdmaExpect = z.object({
  nr_sge: scalar.optional(),
  sge: z.array(
    z.object({ addr: scalar.optional(), length: scalar.optional(), lkey: scalar.optional() })
      .strict(),
  )
    .optional(),
  when: when.optional(),
}).strict();
const mrExpect = z.object({
  ret: scalar.optional(),
  iova: scalar.optional(),
  length: scalar.optional(),
  npages: scalar.optional(),
  pages: z.array(scalar).optional(),
  when: when.optional(),
}).strict();
const bioExpect = z.object({
  vcnt: scalar.optional(),
  size: scalar.optional(),
  pinned: z.boolean().optional(),
  cloned: z.boolean().optional(),
  bvec: z.array(
    z.object({ page: page.optional(), offset: scalar.optional(), len: scalar.optional() }).strict(),
  )
    .optional(),
  when: when.optional(),
}).strict();
const pipeExpect = z.object({
  head: scalar.optional(),
  tail: scalar.optional(),
  bufs: z.array(
    z.object({ page: page.optional(), offset: scalar.optional(), len: scalar.optional() }).strict(),
  )
    .optional(),
  when: when.optional(),
}).strict();
const memoryExpect = z.array(
  z.object({
    at: addr,
    len: moveLen,
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "expected 64 hex digits").optional(),
    bytes: z.string().regex(/^(?:[0-9a-fA-F]{2}\s*)*$/, "expected hex bytes").optional(),
    pattern: pattern.optional(),
    origin: z.enum(["range", "region"]).optional(),
  }).strict(),
);
const pageItem = z.union([
  page,
  z.object({ page: page.optional(), retention: z.enum(["pin", "ref", "none"]).optional() })
    .strict(),
]);

export const inlineExpect = z.object({
  ret: scalar.optional(),
  offset0: scalar.optional(),
  pages: z.array(pageItem).optional(),
  warnings: z.array(warningItem).optional(),
  pins: counters.optional(),
  refs: counters.optional(),
  iter: iterExpect.optional(),
  sgt: sgtExpect.optional(),
  rdma: rdmaExpect.optional(),
  bio: bioExpect.optional(),
  mr: mrExpect.optional(),
  pipe: pipeExpect.optional(),
  when: when.optional(),
}).strict();

export const traceExpect = z.object({
  pins: counters.optional(),
  refs: counters.optional(),
  warnings: z.array(warningItem).optional(),
  errors: z.array(z.string()).optional(),
  when: when.optional(),
}).strict();

// ---------------------------------------------------------------- ops (section 3)

const seg = z.object({ base: addr, len: num }).strict();
const useg = z.object({ base: addr, len: slen }).strict();
const bseg = z.object({ page, offset: num, len: num }).strict();
const pagesArg = {
  pages: name,
  index: num.optional(),
  range: z.tuple([num, num]).optional(),
  dirty: z.boolean().optional(),
};
const getPagesArgs = { iter: name, maxsize: num, maxpages: num, as: name };

/** Arguments of every op, by op name. */
export const OP_ARGS = {
  iov_iter_ubuf: { iter: name, dir, addr, len: num },
  iov_iter_init: { iter: name, dir, iov: z.array(seg) },
  import_iovec: { iter: name, dir, iov: z.array(useg) },
  iov_iter_kvec: { iter: name, dir, kvec: z.array(seg) },
  iov_iter_bvec: { iter: name, dir, bvec: z.array(bseg) },
  iov_iter_xarray: { iter: name, dir, file: name, start: num, count: num },
  iov_iter_folio_queue: {
    iter: name,
    dir,
    folios: name,
    slot: num.default(0),
    offset: num.default(0),
    count: num,
    slots_per_segment: numberSchema({ min: 1, max: 4096 }).default(31),
  },
  iov_iter_discard: { iter: name, count: num },
  iov_iter_pipe: { iter: name, pipe: name, count: num },

  iov_iter_advance: { iter: name, bytes: num },
  iov_iter_revert: { iter: name, bytes: num },
  iov_iter_truncate: { iter: name, count: num },
  iov_iter_reexpand: { iter: name, count: num },
  iov_iter_save_state: { iter: name, state: name },
  iov_iter_restore: { iter: name, state: name },
  dup_iter: { iter: name, as: name },
  iov_iter_count: { iter: name },
  iov_iter_npages: { iter: name, maxpages: num },
  iov_iter_alignment: { iter: name },
  iov_iter_gap_alignment: { iter: name },
  iov_iter_is_aligned: { iter: name, addr_mask: u64, len_mask: u64 },
  iov_iter_single_seg_count: { iter: name },
  iov_iter_extract_will_pin: { iter: name },

  fill: { at: addr, len: moveLen, pattern, origin: z.enum(["range", "region"]).optional() },
  copy_to_iter: { iter: name, from: addr, bytes: moveLen },
  copy_from_iter: { iter: name, to: addr, bytes: moveLen },
  copy_from_iter_full: { iter: name, to: addr, bytes: moveLen },
  copy_page_to_iter: { iter: name, page, offset: num, bytes: moveLen },
  iov_iter_zero: { iter: name, bytes: moveLen },
  fault_inject: { at: addr, len: num },

  iov_iter_get_pages2: getPagesArgs,
  iov_iter_get_pages_alloc2: getPagesArgs,
  iov_iter_get_pages: getPagesArgs,
  iov_iter_get_pages_alloc: getPagesArgs,
  iov_iter_extract_pages: { ...getPagesArgs, flags: z.array(z.enum(["p2pdma"])).optional() },
  unpin_user_page: pagesArg,
  unpin_user_pages: pagesArg,
  unpin_user_pages_dirty_lock: pagesArg,
  put_page: pagesArg,

  netfs_extract_user_iter: {
    iter: name,
    len: num,
    new: name,
    flags: z.array(z.enum(["p2pdma"])).optional(),
  },
  netfs_limit_iter: { iter: name, start_offset: num, max_size: num, max_segs: num },
  sg_init_table: { sgt: name, nents: numberSchema({ max: 1 << 20, what: "entries" }) },
  sg_alloc_table: { sgt: name, nents: numberSchema({ max: 1 << 20, what: "entries" }) },
  extract_iter_to_sg: {
    iter: name,
    maxsize: num,
    sgt: name,
    sg_max: num,
    flags: z.array(z.enum(["p2pdma"])).optional(),
  },
  sg_alloc_table_from_pages_segment: {
    sgt: name,
    pages: name.optional(),
    pfns: z.array(pfnNum).optional(),
    offset: num,
    size: num,
    max_segment: num,
  },
  sg_alloc_append_table_from_pages: {
    sgt: name,
    pages: name.optional(),
    pfns: z.array(pfnNum).optional(),
    offset: num,
    size: num,
    max_segment: num,
    left_pages: num.default(0),
  },
  smb_extract_iter_to_rdma: {
    iter: name,
    len: num,
    rdma: name,
    max_sge: numberSchema({ max: 65536, what: "SGEs" }),
    lkey: u64,
    dma_dir: z.enum(["to_device", "from_device"]),
    reserve: numberSchema({ max: 65536, what: "SGEs" }).default(0),
  },
  ib_map_mr_sg: { sgt: name, mr: name, page_size: num, max_num_sg: num, sg_offset: num.default(0) },
  bio_iov_iter_get_pages: {
    iter: name,
    bio: name,
    max_vecs: num,
    lbs: num,
    pos: num.optional(),
    dma_alignment: num.default(511),
    p2p: z.boolean().default(false),
  },
  bio_release_pages: { bio: name, dirty: z.boolean() },

  io_complete: { of: name, bytes: num.optional() },
  syscall_return: { iters: z.array(name) },
  async_return: { iters: z.array(name) },
  kfree: { region: name },
  vfree: { region: name },
  munmap: { region: name },
  truncate: { file: name, size: num },
  fork: {},
  splice_return: { pipe: name, ret: slen },
  free: { var: name },
} as const satisfies Record<string, z.ZodRawShape>;

/** Every op name. */
export type OpName = keyof typeof OP_ARGS | "expect";

/** The standalone expectation op. */
export const expectOp = z.object({
  op: z.literal("expect"),
  id: z.union([z.string(), z.number()]).optional(),
  when: when.optional(),
  iter: z.record(z.string(), iterExpect).optional(),
  sgt: z.record(z.string(), sgtExpect).optional(),
  rdma: z.record(z.string(), rdmaExpect).optional(),
  mr: z.record(z.string(), mrExpect).optional(),
  bio: z.record(z.string(), bioExpect).optional(),
  pipe: z.record(z.string(), pipeExpect).optional(),
  memory: memoryExpect.optional(),
  pins: counters.optional(),
  refs: counters.optional(),
}).strict();

const opSchemaCache = new Map<string, z.ZodType>();

/** The schema of one op, or undefined for an unknown op name. */
export function opSchema(op: string): z.ZodType | undefined {
  if (op === "expect") return expectOp;
  if (!Object.hasOwn(OP_ARGS, op)) return undefined;
  let s = opSchemaCache.get(op);
  if (!s) {
    s = z.object({
      op: z.literal(op),
      id: z.union([z.string(), z.number()]).optional(),
      when: when.optional(),
      expect: inlineExpect.optional(),
      ...OP_ARGS[op as keyof typeof OP_ARGS],
    }).strict();
    opSchemaCache.set(op, s);
  }
  return s;
}

/** The header of a trace (everything but `ops`). */
export const header = z.object({
  $schema: z.string().optional(),
  itertrace: z.literal(1, { message: "expected itertrace: 1 (the format version)" }),
  name: z.string().regex(/^[\w.+@=,-]+$/, "expected a trace name without spaces or slashes"),
  description: z.string().optional(),
  kernel: z.string({ message: 'expected a quoted release such as "6.12" or "latest"' })
    .regex(/^(\d+\.\d+|latest)$/, 'expected a quoted release such as "6.12" or "latest"')
    .default("latest"),
  page_size: z.literal(4096, { message: "only page_size 4096 is modelled" }).default(4096),
  dma: z.object({ iommu: z.boolean().default(false) }).strict().default({ iommu: false }),
  memory: memory.default({}),
  expect: traceExpect.optional(),
}).strict();

/** The whole document schema, for JSON Schema export (ops as a union of every op). */
export function documentSchema(): z.ZodType {
  const ops = [expectOp, ...Object.keys(OP_ARGS).map((k) => opSchema(k)!)];
  return header.extend({ ops: z.array(z.union(ops as unknown as [z.ZodType, z.ZodType])) });
}

/** Op names, for suggestions. */
export const OP_NAMES: readonly string[] = ["expect", ...Object.keys(OP_ARGS)];

export type Header = z.output<typeof header>;
export type InlineExpect = z.output<typeof inlineExpect>;
export type ExpectOp = z.output<typeof expectOp>;
export type TraceExpect = z.output<typeof traceExpect>;
export type IterExpect = z.output<typeof iterExpect>;
export type Pattern = z.output<typeof pattern>;
