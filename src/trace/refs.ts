/**
 * Static reference checks: every variable an op uses was created by an earlier op (and not
 * freed), every region, file and pipe named exists. Run by `validate`; the replay checks
 * the same at run time.
 *
 * @module
 */
import type { TraceIssue } from "../errors.ts";
import { type LoadedHeader, type OpNode, showPath } from "./load.ts";
import { parseAddrExpr, parsePageExpr } from "./num.ts";
import { suggest } from "./suggest.ts";
import { Memory } from "../model/memory.ts";
import { memorySpec } from "./memory_spec.ts";
import { kernelProfile, notInEraReason, OP_ERA, whenHolds } from "../profile.ts";

const CONSTRUCTORS = new Set([
  "iov_iter_ubuf",
  "iov_iter_init",
  "import_iovec",
  "iov_iter_kvec",
  "iov_iter_bvec",
  "iov_iter_xarray",
  "iov_iter_folio_queue",
  "iov_iter_discard",
  "iov_iter_pipe",
]);
const SGT_CREATORS = new Set([
  "sg_init_table",
  "sg_alloc_table",
  "sg_alloc_table_from_pages_segment",
]);
const ADDR_KEYS = ["addr", "at", "from", "to"];

/** Checks references; returns every problem found. */
export function checkRefs(h: LoadedHeader, ops: readonly OpNode[]): TraceIssue[] {
  const issues: TraceIssue[] = [];
  const m = h.header.memory;
  const regions = new Set<string>([
    ...(m.user ?? []).map((r) => r.region),
    ...(m.tasks ?? []).flatMap((t) => t.user.map((r) => r.region)),
    ...(m.kernel ?? []).map((r) => r.region),
  ]);
  const files = new Set((m.files ?? []).map((f) => f.name));
  const pipes = new Set((m.pipes ?? []).map((p) => p.name));
  const vars = new Set<string>();
  const memNames = new Set([...regions, ...files]);
  // the layout the replay would build: overlapping addresses or pfns, bad pfn lists, folios
  const mem = new Memory(memorySpec(h.header), h.header.page_size);
  for (const p of mem.problems) {
    issues.push({ file: h.file, ...h.locate(["memory"]), message: `memory: ${p.message}` });
  }
  const profile = kernelProfile(h.header.kernel, h.header.page_size);
  const sizeOf = (name: string) => mem.regions.get(name)?.size ?? 0;

  const ids = new Set(ops.filter((o) => o.id !== undefined).map((o) => o.id as string));
  const causes = (list: unknown, at: (i: number) => (string | number)[], node?: OpNode) => {
    (list as { cause?: unknown }[] | undefined)?.forEach((w, i) => {
      const c = typeof w === "object" && w ? w.cause : undefined;
      if (
        c === undefined || typeof c === "number" || /^\d+$/.test(String(c)) || ids.has(String(c))
      ) return;
      const pos = node ? node.locate(at(i)) : h.locate(at(i));
      issues.push({
        file: h.file,
        ...pos,
        message: `warning cause "${c}" is neither a step index nor an op id`,
      });
    });
  };
  causes(h.header.expect?.warnings, (i) => ["expect", "warnings", i, "cause"]);
  for (const node of ops) {
    causes(
      (node.args as { expect?: { warnings?: unknown } }).expect?.warnings,
      (i) => ["expect", "warnings", i, "cause"],
      node,
    );
    const a = node.args as Record<string, unknown>;
    const bad = (path: (string | number)[], what: string, name: string, pool: Iterable<string>) => {
      const hint = suggest(name, pool);
      issues.push({
        file: h.file,
        ...node.locate(path),
        message: `ops[${node.index}].${path.join(".")}: unknown ${what} "${name}"${
          hint ? ` (did you mean "${hint}"?)` : ""
        }`,
      });
    };
    const use = (key: string, what = "variable") => {
      const v = a[key];
      if (typeof v === "string" && !vars.has(v)) bad([key], what, v, vars);
    };
    const problem = (path: (string | number)[], message: string) =>
      issues.push({
        file: h.file,
        ...node.locate(path),
        message: `${showPath(["ops", node.index, ...path])}: ${message}`,
      });
    const addr = (v: unknown, path: (string | number)[], len?: number) => {
      const e = parseAddrExpr(v);
      if (e && "region" in e) {
        if (!memNames.has(e.region)) bad(path, "region", e.region, memNames);
        else if (len !== undefined && e.offset + len > sizeOf(e.region)) {
          problem(
            path,
            `${len} bytes from +0x${e.offset.toString(16)} run past the end of "${e.region}"`,
          );
        }
      }
    };
    const page = (v: unknown, path: (string | number)[]) => {
      const p = parsePageExpr(v);
      if (p && "region" in p) {
        if (!memNames.has(p.region)) bad(path, "region", p.region, memNames);
        else if (p.index >= mem.regions.get(p.region)!.npages) {
          problem(
            path,
            `"${p.region}" has ${mem.regions.get(p.region)!.npages} pages, no page ${p.index}`,
          );
        }
      }
    };
    const define = (name: string, path: (string | number)[]) => {
      if (vars.has(name)) problem(path, `"${name}" already exists; free it first`);
      vars.add(name);
    };
    // an op whose `when:` excludes the trace's era is another era's path: not checked here
    if (a.when && !whenHolds(a.when as string, profile.release)) continue;
    const feature = OP_ERA[node.op];
    if (feature) {
      const why = notInEraReason(feature, profile);
      if (why) problem(["op"], `not_in_era: ${node.op} does not exist in this era (${why})`);
    }
    for (const k of ADDR_KEYS) {
      if (a[k] === undefined) continue;
      // fill writes and copies read or write their bytes at the address
      const len = k === "at" && node.op === "fill"
        ? a.len as number
        : k === "to" || k === "from"
        ? a.bytes as number
        : undefined;
      addr(a[k], [k], len);
    }
    for (const k of ["iov", "kvec"]) {
      (a[k] as { base: unknown }[] | undefined)?.forEach((s, i) => addr(s.base, [k, i, "base"]));
    }
    (a.bvec as { page: unknown }[] | undefined)?.forEach((s, i) =>
      page(s.page, ["bvec", i, "page"])
    );
    if (a.page !== undefined) page(a.page, ["page"]);
    if (typeof a.file === "string" && !files.has(a.file)) bad(["file"], "file", a.file, files);
    if (typeof a.folios === "string" && !memNames.has(a.folios)) {
      bad(["folios"], "region or file", a.folios, memNames);
    }
    if (typeof a.pipe === "string" && !pipes.has(a.pipe)) bad(["pipe"], "pipe", a.pipe, pipes);
    if (typeof a.region === "string" && !regions.has(a.region)) {
      bad(["region"], "region", a.region, regions);
    }

    if (node.op === "expect") {
      for (const k of ["iter", "sgt", "rdma", "mr", "bio"]) {
        for (const name of Object.keys((a[k] as object | undefined) ?? {})) {
          if (!vars.has(name)) bad([k, name], "variable", name, vars);
        }
      }
      (a.memory as { at: unknown; len: number }[] | undefined)?.forEach((e, i) =>
        addr(e.at, ["memory", i, "at"], e.len)
      );
      continue;
    }
    if (CONSTRUCTORS.has(node.op)) define(a.iter as string, ["iter"]);
    else use("iter", "iterator");
    if (node.op === "iov_iter_restore") use("state");
    else if (typeof a.state === "string") define(a.state, ["state"]);
    for (const k of ["pages", "of", "var"]) use(k);
    (a.iters as string[] | undefined)?.forEach((n, i) => {
      if (!vars.has(n)) bad(["iters", i], "iterator", n, vars);
    });
    if (typeof a.sgt === "string") {
      // sg_alloc_append_table_from_pages starts a table or appends to one
      if (SGT_CREATORS.has(node.op)) define(a.sgt, ["sgt"]);
      else if (node.op === "sg_alloc_append_table_from_pages") vars.add(a.sgt);
      else use("sgt");
    }
    for (const k of ["as", "new"]) if (typeof a[k] === "string") define(a[k] as string, [k]);
    // an rdma list, bio or MR is created at its first use and appended to after
    for (const k of ["rdma", "bio", "mr"]) if (typeof a[k] === "string") vars.add(a[k] as string);
    if (node.op === "free") vars.delete(a.var as string);
  }
  return issues;
}
