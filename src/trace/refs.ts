/**
 * Static reference checks: every variable an op uses was created by an earlier op (and not
 * freed), every region, file and pipe named exists. Run by `validate`; the replay checks
 * the same at run time.
 *
 * @module
 */
import type { TraceIssue } from "../errors.ts";
import type { LoadedHeader, OpNode } from "./load.ts";
import { parseAddrExpr, parsePageExpr } from "./num.ts";
import { suggest } from "./suggest.ts";

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

  for (const node of ops) {
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
    const addr = (v: unknown, path: (string | number)[]) => {
      const e = parseAddrExpr(v);
      if (e && "region" in e && !memNames.has(e.region)) bad(path, "region", e.region, memNames);
    };
    const page = (v: unknown, path: (string | number)[]) => {
      const p = parsePageExpr(v);
      if (p && "region" in p && !memNames.has(p.region)) bad(path, "region", p.region, memNames);
    };
    for (const k of ADDR_KEYS) if (a[k] !== undefined) addr(a[k], [k]);
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
      (a.memory as { at: unknown }[] | undefined)?.forEach((e, i) =>
        addr(e.at, ["memory", i, "at"])
      );
      continue;
    }
    if (CONSTRUCTORS.has(node.op)) vars.add(a.iter as string);
    else use("iter", "iterator");
    if (node.op === "iov_iter_restore") use("state");
    else if (typeof a.state === "string") vars.add(a.state);
    for (const k of ["pages", "of", "var"]) use(k);
    (a.iters as string[] | undefined)?.forEach((n, i) => {
      if (!vars.has(n)) bad(["iters", i], "iterator", n, vars);
    });
    if (typeof a.sgt === "string") {
      // sg_alloc_append_table_from_pages starts a table or appends to one
      if (SGT_CREATORS.has(node.op) || node.op === "sg_alloc_append_table_from_pages") {
        vars.add(a.sgt);
      } else use("sgt");
    }
    for (const k of ["as", "new", "rdma", "bio", "mr"]) {
      if (typeof a[k] === "string") vars.add(a[k] as string);
    }
    if (node.op === "free") vars.delete(a.var as string);
  }
  return issues;
}
