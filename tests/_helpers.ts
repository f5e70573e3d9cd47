/**
 * Shared test helpers: memory specs, a recording ModelCtx, iterator origins, and an
 * independent byte-range expansion used to check what the model walks.
 *
 * @module
 */
import {
  type FileSpec,
  type KernelRegionSpec,
  Memory,
  type MemorySpec,
  type UserRegionSpec,
} from "../src/model/memory.ts";
import { kernelProfile } from "../src/profile.ts";
import type { ModelCtx } from "../src/model/ctx.ts";
import { makeWarning, type Warning } from "../src/check/warnings.ts";
import type { IterOrigin } from "../src/model/construct.ts";
import type { Piece } from "../src/model/kinds/mod.ts";

/** The model's page size. */
export const PAGE = 4096;

/** A warning as the test context records it. */
/** A warning as the model raised it, with its code's severity and fields. */
export type RecordedWarning = Warning;

/** A ModelCtx whose warnings are kept for inspection. */
export interface TestCtx extends ModelCtx {
  readonly warnings: RecordedWarning[];
}

/** A user region spec with defaults (anon, rw, order 0, populated). */
export function userRegion(
  region: string,
  size: number,
  opts: Partial<Omit<UserRegionSpec, "region" | "size">> = {},
): UserRegionSpec {
  return { region, size, vma: "anon", prot: "rw", folio_order: 0, populated: true, ...opts };
}

/** A kernel region spec with defaults (kmalloc, order 0). */
export function kernelRegion(
  region: string,
  size: number,
  opts: Partial<Omit<KernelRegionSpec, "region" | "size">> = {},
): KernelRegionSpec {
  return { region, size, kind: "kmalloc", folio_order: 0, ...opts };
}

/** A page-cache file spec with defaults (order 0, fully cached). */
export function fileSpec(
  name: string,
  size: number,
  opts: Partial<Omit<FileSpec, "name" | "size">> = {},
): FileSpec {
  return { name, size, folio_order: 0, ...opts };
}

/** Builds a MemorySpec; user regions go to task "t" unless `tasks` is given. */
export function memSpec(parts: {
  user?: readonly UserRegionSpec[];
  tasks?: MemorySpec["tasks"];
  kernel?: readonly KernelRegionSpec[];
  files?: readonly FileSpec[];
}): MemorySpec {
  return {
    tasks: parts.tasks ?? [{ name: "t", user: parts.user ?? [] }],
    kernel: parts.kernel ?? [],
    files: parts.files ?? [],
    pipes: [],
  };
}

/** A ModelCtx over `spec` for kernel `release`, recording warnings. */
export function makeCtx(spec: MemorySpec = memSpec({}), release = "latest"): TestCtx {
  const warnings: RecordedWarning[] = [];
  return {
    mem: new Memory(spec),
    profile: kernelProfile(release),
    faults: [],
    warnings,
    warn(code, fields, message, detail) {
      warnings.push(makeWarning(code, fields, message, undefined, detail));
    },
  };
}

/** An iterator origin in task "t". */
export function origin(name = "it", step = 1, task = "t"): IterOrigin {
  return { name, task, step };
}

/** Deterministic non-trivial bytes: (seed * 131 + i * 7 + (i >> 8)) & 0xff, never all zero. */
export function testBytes(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (seed * 131 + i * 7 + (i >> 8) + 1) & 0xff;
  return out;
}

/** A (pfn, in-page offset, length) byte range inside one page. */
export interface PageRange {
  readonly pfn: number;
  readonly inPage: number;
  readonly len: number;
}

/**
 * Merges adjacent ranges that continue each other inside the same page, and drops empty
 * ones: a canonical form for comparing walks split at different points.
 */
export function mergeRanges(ranges: readonly PageRange[]): PageRange[] {
  const out: PageRange[] = [];
  for (const r of ranges) {
    if (r.len === 0) continue;
    const last = out[out.length - 1];
    if (last && last.pfn === r.pfn && last.inPage + last.len === r.inPage) {
      out[out.length - 1] = { pfn: last.pfn, inPage: last.inPage, len: last.len + r.len };
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/** A step that records every piece and processes all of it. */
export function recorder(): { pieces: Piece[]; step: (p: Piece) => number } {
  const pieces: Piece[] = [];
  return {
    pieces,
    step(p) {
      pieces.push(p);
      return 0;
    },
  };
}

/** Reads bytes from a list of page ranges, in order. */
export function readRanges(mem: Memory, ranges: readonly PageRange[]): Uint8Array {
  let n = 0;
  for (const r of ranges) n += r.len;
  const out = new Uint8Array(n);
  let at = 0;
  for (const r of ranges) {
    out.set(mem.readPage(r.pfn, r.inPage, r.len), at);
    at += r.len;
  }
  return out;
}

/** Splits a list of page ranges at byte `from` and keeps `len` bytes. */
export function sliceRanges(ranges: readonly PageRange[], from: number, len: number): PageRange[] {
  const out: PageRange[] = [];
  let pos = 0;
  for (const r of ranges) {
    const s = Math.max(from, pos), e = Math.min(from + len, pos + r.len);
    if (s < e) out.push({ pfn: r.pfn, inPage: r.inPage + (s - pos), len: e - s });
    pos += r.len;
  }
  return out;
}

/** Splits a physically contiguous byte run starting at (pfn, offset) into page ranges. */
export function physRanges(pfn: number, offset: number, len: number): PageRange[] {
  const out: PageRange[] = [];
  let done = 0;
  while (done < len) {
    const o = offset + done;
    const inPage = o % PAGE;
    const n = Math.min(len - done, PAGE - inPage);
    out.push({ pfn: pfn + Math.floor(o / PAGE), inPage, len: n });
    done += n;
  }
  return out;
}
