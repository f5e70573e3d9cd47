/**
 * The one schema of the trace format (trace-format.md), in zod. The loader validates with
 * it, `itertrace schema` prints it as JSON Schema. Objects are strict at every depth:
 * unknown keys are errors.
 *
 * @module
 */
import { z } from "zod";
import { ERRNOS, parseBig } from "./num.ts";
import { suggest } from "./suggest.ts";
import { type WarningCode, WARNINGS } from "../check/warnings.ts";
import {
  addr,
  dir,
  MAX_MOVE,
  MAX_REGION_SIZE,
  moveLen,
  name,
  num,
  numberSchema,
  page,
  pattern,
  pfnNum,
  size,
} from "./args.ts";
import { type DeclaredOp, OP_DECLS, type OpShape } from "./ops/mod.ts";
import { RELEASE_PATTERN, releaseProblem } from "../profile.ts";

export { MAX_MOVE, MAX_REGION_SIZE };

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
  /** "r": every opener of the file has it read-only; nothing may change its page cache. */
  prot: z.enum(["rw", "r"]).optional(),
  folio_order: numberSchema({ max: 18 }).default(0),
  folios: z.array(
    z.object({ index: num, order: numberSchema({ max: 18 }), pfn: pfnNum.optional() }).strict(),
  )
    .optional(),
  fill: regionFill.optional(),
}).strict();

const pipeSpec = z.object({ name, max_usage: numberSchema({ min: 1, max: 65536 }).default(16) })
  .strict();

/**
 * A per-mm rule like mainline's mm_forbids_zeropage(): a read fault on private anonymous
 * memory allocates a page instead of mapping the shared zero page (measured on kernels booted
 * with pvm_no_zero_page=1; `itertrace live` writes it into the traces it generates).
 */
const noZeroPage = z.boolean().optional();

export const memory = z.object({
  user: z.array(userRegion).optional(),
  /** The no-zero-page rule for the mm of the top-level `user:` regions. */
  no_zero_page: noZeroPage,
  tasks: z.array(z.object({ name, user: z.array(userRegion), no_zero_page: noZeroPage }).strict())
    .optional(),
  kernel: z.array(kernelRegion).optional(),
  files: z.array(fileSpec).optional(),
  pipes: z.array(pipeSpec).optional(),
}).strict();

// ---------------------------------------------------------------- expectations (section 5)

/** An expected value; a string spelled like an errno must name one the format knows. */
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]).superRefine((v, ctx) => {
  if (typeof v !== "string" || !/^-E[A-Z0-9]+$/.test(v.trim()) || parseBig(v) !== undefined) {
    return;
  }
  const names = Object.keys(ERRNOS).map((e) => `-${e}`);
  const hint = suggest(v.trim(), names);
  ctx.addIssue({
    code: "custom",
    message: `unknown errno name "${v}"${hint ? ` (did you mean "${hint}"?)` : ""}; known: ${
      names.join(", ")
    }`,
  });
});
// comparisons separated by spaces all hold; alternatives separated by "||" (stable releases)
// (release numbers as parseRelease reads them: a longer number is no release)
const cmp = String.raw`(?:>=|<=|>|<|==|=)?\s*(?:${RELEASE_PATTERN}|latest)`;
const conj = String.raw`${cmp}(?:\s+${cmp})*`;
/** A linux-next snapshot named in a condition must be a modelled one. */
function modelledSnapshots(v: string, ctx: z.core.$RefinementCtx<string>): void {
  for (const m of v.matchAll(/next-\d{8}/g)) {
    const why = releaseProblem(m[0]);
    if (why) ctx.addIssue({ code: "custom", message: why });
  }
}
const when = z.string().max(256).regex(
  new RegExp(String.raw`^\s*${conj}(?:\s*\|\|\s*${conj})*\s*$`),
  'expected an era condition such as ">=6.13", "<7.0", ">=6.3 <6.5", ">=7.1 || >=6.12.88 <6.13", ">=7.3-rc1 <7.3-rc3" or ">=next-20241030 <next-20241104"',
).superRefine(modelledSnapshots);
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
  kind: z.enum(["ubuf", "iovec", "kvec", "bvec", "xarray", "folioq", "bvecq", "discard", "pipe"])
    .optional(),
  dir: dir.optional(),
  count: scalar.optional(),
  iov_offset: scalar.optional(),
  nr_segs: scalar.optional(),
  xarray_start: scalar.optional(),
  slot: scalar.optional(),
  bvecq: scalar.optional(),
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

/** The fields every op accepts besides its own arguments. */
const common = {
  id: z.union([z.string(), z.number()]).optional().describe(
    "a name for the step (warning causes and reports refer to it)",
  ),
  when: when.optional().describe("run the op only in the eras this condition holds for"),
};

/** The validated arguments of a declared op (with the common fields). */
export type OpArgs<N extends DeclaredOp> =
  & z.output<z.ZodObject<OpShape<N>>>
  & { id?: string | number; when?: string; expect?: InlineExpect };

/** Every op name. */
export type OpName = DeclaredOp | "expect";

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
  // every op after the first of its name is a hit
  let s = opSchemaCache.get(op);
  if (s) return s;
  if (op === "expect") return expectOp;
  if (!Object.hasOwn(OP_DECLS, op)) return undefined;
  s = z.object({
    op: z.literal(op),
    ...common,
    expect: inlineExpect.optional(),
    ...OP_DECLS[op as DeclaredOp].args,
  }).strict();
  opSchemaCache.set(op, s);
  return s;
}

/** The header of a trace (everything but `ops`). */
export const header = z.object({
  $schema: z.string().optional(),
  itertrace: z.literal(1, { message: "expected itertrace: 1 (the format version)" }),
  name: z.string().regex(/^[\w.+@=,-]+$/, "expected a trace name without spaces or slashes"),
  description: z.string().optional(),
  kernel: z.string({ message: 'expected a quoted release such as "6.12" or "latest"' })
    .regex(
      new RegExp(String.raw`^(?:${RELEASE_PATTERN}|latest)$`),
      'expected a quoted release such as "6.12", "6.12.88", "7.3-rc2", "next-20241030" or "latest"',
    )
    .superRefine((k, c) => {
      const why = releaseProblem(k);
      if (why) c.addIssue({ code: "custom", message: why });
    })
    .default("latest"),
  page_size: z.literal(4096, { message: "only page_size 4096 is modelled" }).default(4096),
  dma: z.object({ iommu: z.boolean().default(false) }).strict().default({ iommu: false }),
  memory: memory.default({}),
  expect: traceExpect.optional(),
  /** The eras the trace holds for (`check` replays it in each): "all" (default), a range, a list. */
  eras: z.union([
    z.literal("all"),
    z.string().max(256).regex(new RegExp(String.raw`^\s*${conj}(?:\s*\|\|\s*${conj})*\s*$`))
      .superRefine(modelledSnapshots),
    z.array(
      z.string().regex(
        new RegExp(String.raw`^(?:${RELEASE_PATTERN}|latest)$`),
        'expected a quoted release such as "6.12", "6.12.88", "7.3-rc2" or "next-20241030"',
      ).superRefine(modelledSnapshots),
    ).min(1),
  ], { message: 'expected "all", an era range such as ">=6.3 <7.0", or a list of releases' })
    .optional(),
}).strict();

/** The whole document schema, for JSON Schema export (ops as a union of every op). */
export function documentSchema(): z.ZodType {
  const ops = [expectOp, ...Object.keys(OP_DECLS).map((k) => opSchema(k)!)];
  return header.extend({ ops: z.array(z.union(ops as unknown as [z.ZodType, z.ZodType])) });
}

/** Op names, for suggestions. */
export const OP_NAMES: readonly string[] = ["expect", ...Object.keys(OP_DECLS)];

export type Header = z.output<typeof header>;
export type InlineExpect = z.output<typeof inlineExpect>;
export type ExpectOp = z.output<typeof expectOp>;
export type TraceExpect = z.output<typeof traceExpect>;
export type IterExpect = z.output<typeof iterExpect>;
export type Pattern = z.output<typeof pattern>;
