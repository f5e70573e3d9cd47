/**
 * The argument types of the trace format: numbers, names, addresses, pages and patterns, and
 * the field builders op declarations use. A builder gives a field its one-line description
 * (shown by the JSON Schema and `itertrace ops`) and, for fields that name memory, what they
 * refer to, so the static reference checks (refs.ts) are derived from the declarations.
 *
 * @module
 */
import { z } from "zod";
import { parseAddrExpr, parseBig, parsePageExpr, scanSafeInt } from "./num.ts";

/**
 * What the loader's fast path (fast.ts) knows a field schema to accept and yield, by the
 * schema's zod definition (which `.describe()` copies share).
 */
export type FastKind =
  | { readonly kind: "num"; readonly min: number; readonly max: number }
  | { readonly kind: "name" | "addr" | "page" | "u64" };

const FAST = new WeakMap<object, FastKind>();

/** The fast path's view of a field schema, if it has one. */
export function fastKindOf(s: z.ZodType): FastKind | undefined {
  return FAST.get(s._zod.def);
}

function fast<T extends z.ZodType>(s: T, k: FastKind): T {
  FAST.set(s._zod.def, k);
  return s;
}

/** Largest region or file size accepted (1 TiB): pages are stored lazily, frames are not. */
export const MAX_REGION_SIZE = 2 ** 40;
/** Largest number of bytes one op may move or hash (256 MiB), bounding memory use. */
export const MAX_MOVE = 2 ** 28;

/** A bigint as its exact decimal digits (a huge one by its number of digits). */
function exact(n: bigint): string {
  const s = n.toString();
  return s.length > 40 ? `a ${s.replace("-", "").length}-digit number` : s;
}

/** A number schema with bounds: accepts 123, "0x1f00", "4K"; yields a safe integer. */
export function numberSchema(opts: { min?: number; max?: number; what?: string }) {
  const min = opts.min ?? 0, max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return fast(numberSchemaOf(min, max, opts.what), { kind: "num", min, max });
}

function numberSchemaOf(min: number, max: number, what: string | undefined) {
  return z.union([z.number(), z.string()], {
    error: (iss) =>
      `expected a number (123, "0x1f00", "4K"), got ${
        JSON.stringify(iss.input) ?? String(iss.input)
      }`,
  }).transform((v, ctx) => {
    const small = scanSafeInt(v);
    if (small !== undefined && small >= min && small <= max) return small;
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
      ctx.addIssue({ code: "custom", message: `must be at least ${min}, got ${exact(n)}` });
      return z.NEVER;
    }
    if (n > BigInt(max)) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${max === Number.MAX_SAFE_INTEGER ? "2^53" : max}${
          what ? ` (${what})` : ""
        }, got ${exact(n)}`,
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
export const u64 = fast(
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = parseBig(v);
    if (n === undefined || n < 0n || n >= 1n << 64n) {
      ctx.addIssue({
        code: "custom",
        message: `expected a 64-bit unsigned number, got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return n;
  }),
  { kind: "u64" },
);

/** A variable, region or file name. */
export const name = fast(
  z.string().regex(/^[A-Za-z_][\w.-]*$/, "expected a name (letters, digits, _ . -)"),
  { kind: "name" },
);

/** An address expression: "region+offset", "region" or an absolute hex address. */
export const addr = fast(
  z.union([z.string(), z.number()]).refine(
    (v) => parseAddrExpr(v) !== undefined,
    { message: 'expected an address: "<region>+<offset>", "<region>" or "0x..."' },
  ),
  { kind: "addr" },
);

/** A page: "region[i]", "owner:n" or {pfn: N}. */
export const page = fast(
  z.union([
    z.string(),
    z.object({ pfn: z.union([z.number(), z.string()]) }).strict(),
  ])
    .refine((v) => parsePageExpr(v) !== undefined, {
      message: 'expected a page: "<region>[<i>]", "<owner>:<n>" or {pfn: N}',
    }),
  { kind: "page" },
);

/** An iterator direction: ITER_SOURCE (data is read from it) or ITER_DEST. */
export const dir = z.enum(["source", "dest"]);

/** Fill patterns (section 4). */
export const pattern = z.union([
  z.enum(["zero", "index", "index_sum"]),
  z.object({ byte: numberSchema({ max: 255 }) }).strict(),
  z.object({ random: numberSchema({ max: 0xffffffff }) }).strict(),
]);

/** What a field names in the trace's memory, for the static reference checks. */
export type MemRef =
  /** An address expression; `len` names the sibling field holding the bytes it spans. */
  | { readonly kind: "addr"; readonly len?: string }
  /** A page expression. */
  | { readonly kind: "page" }
  /** A kernel or user region, a file, a region or file, a pipe. */
  | { readonly kind: "region" | "file" | "mem" | "pipe" };

const REFS = new WeakMap<z.ZodType, MemRef>();

/** What a field's schema refers to in memory, if anything. */
export function memRefOf(s: z.ZodType): MemRef | undefined {
  return REFS.get(s);
}

function tag<T extends z.ZodType>(s: T, ref: MemRef): T {
  REFS.set(s, ref);
  return s;
}

/** Field builders: each takes the field's one-line description. */
export const arg = {
  /** A variable name (what it holds is declared in the op's `vars`). */
  name: (doc: string) => name.describe(doc),
  /** A count, offset or length. */
  num: (doc: string) => num.describe(doc),
  /** A number of bytes the op moves (at most 256 MiB). */
  moveLen: (doc: string) => moveLen.describe(doc),
  /** A signed length. */
  slen: (doc: string) => slen.describe(doc),
  /** A 64-bit mask or key. */
  u64: (doc: string) => u64.describe(doc),
  /** A direction. */
  dir: (doc = "ITER_SOURCE (data is read from the iterator) or ITER_DEST (written into it)") =>
    dir.describe(doc),
  /** An address expression; `len` names the field with the length it spans, if any. */
  addr: (doc: string, len?: string) =>
    tag(addr.describe(doc), len === undefined ? { kind: "addr" } : { kind: "addr", len }),
  /** A page expression. */
  page: (doc: string) => tag(page.describe(doc), { kind: "page" }),
  /** A kernel or user region declared under memory. */
  region: (doc: string) => tag(name.describe(doc), { kind: "region" }),
  /** A file declared under memory.files. */
  file: (doc: string) => tag(name.describe(doc), { kind: "file" }),
  /** A region or file. */
  mem: (doc: string) => tag(name.describe(doc), { kind: "mem" }),
  /** A pipe declared under memory.pipes. */
  pipe: (doc: string) => tag(name.describe(doc), { kind: "pipe" }),
  /** Extraction flags. */
  flags: (doc = "extraction flags: p2pdma allows peer-to-peer DMA pages") =>
    z.array(z.enum(["p2pdma"])).optional().describe(doc),
  /** A list of page frame numbers. */
  pfns: (doc: string) => z.array(pfnNum).optional().describe(doc),
  /** A boolean. */
  bool: (doc: string) => z.boolean().describe(doc),
} as const;

/** A field's description, looking through `.optional()` and `.default()`. */
export function fieldDoc(s: z.ZodType): string | undefined {
  let cur: z.ZodType | undefined = s;
  while (cur) {
    if (cur.description) return cur.description;
    cur = (cur as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
  }
  return undefined;
}
