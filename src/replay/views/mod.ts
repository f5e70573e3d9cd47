/**
 * One view per object type (iter.ts, pages.ts, sgt.ts, rdma.ts, mr.ts, bio.ts, pipe.ts): what
 * `expect` compares, what `--state` prints, and what a step's changes show. Changes are
 * captured as unformatted data and formatted only when output asks for them.
 *
 * @module
 */
import type { Memory } from "../../model/memory.ts";
import type { IovIterState } from "../../model/advance.ts";
import type { Scope, Var } from "../vars.ts";
import { iterFields, iterView } from "./iter.ts";
import { sgtView } from "./sgt.ts";
import { rdmaView } from "./rdma.ts";
import { mrView } from "./mr.ts";
import { bioView } from "./bio.ts";
import { pipeView } from "./pipe.ts";
import { capturePages, pagesFields, type PagesRaw } from "./pages.ts";
import { captureSgt, sgtFields, type SgtRaw } from "./sgt.ts";
import { captureRdma, rdmaFields } from "./rdma.ts";
import { captureMr, mrFields, type MrRaw } from "./mr.ts";
import { bioFields, type BioRaw, captureBio } from "./bio.ts";
import type { Sge } from "../../convert/rdma.ts";

export { bioView, iterFields, iterView, mrView, pipeView, rdmaView, sgtView };

/** A variable's state at one moment, unformatted. */
export type VarSnap =
  | { readonly type: "iter"; readonly raw: Record<string, unknown> }
  | { readonly type: "state"; readonly raw: IovIterState }
  | { readonly type: "pages"; readonly raw: PagesRaw }
  | { readonly type: "sgt"; readonly raw: SgtRaw }
  | { readonly type: "rdma"; readonly raw: readonly Sge[] }
  | { readonly type: "mr"; readonly raw: MrRaw }
  | { readonly type: "bio"; readonly raw: BioRaw };

/** Copies what a variable's changes show. */
export function captureVar(v: Var): VarSnap {
  switch (v.type) {
    case "iter":
      return { type: "iter", raw: iterFields(v.iter) };
    case "state":
      return { type: "state", raw: v.state };
    case "pages":
      return { type: "pages", raw: capturePages(v.list) };
    case "sgt":
      return { type: "sgt", raw: captureSgt(v.sgt) };
    case "rdma":
      return { type: "rdma", raw: captureRdma(v.rdma) };
    case "mr":
      return { type: "mr", raw: captureMr(v.mr) };
    case "bio":
      return { type: "bio", raw: captureBio(v.bio) };
  }
}

/** A captured variable as its changes show it. */
export function varFields(mem: Memory, s: VarSnap): Record<string, unknown> {
  switch (s.type) {
    case "iter":
      return s.raw;
    case "state":
      return { count: s.raw.count, iov_offset: s.raw.iovOffset, nr_segs: s.raw.nrSegs };
    case "pages":
      return pagesFields(mem, s.raw);
    case "sgt":
      return sgtFields(mem, s.raw);
    case "rdma":
      return rdmaFields(s.raw);
    case "mr":
      return mrFields(s.raw);
    case "bio":
      return bioFields(mem, s.raw);
  }
}

/** The kinds of object `expect` names by variable. */
export type ObjectKind = "sgt" | "rdma" | "mr" | "bio" | "pipe";

/** The expectation view of an sg table, SGE list, MR, bio or pipe by name. */
export function objectView(mem: Memory, scope: Scope, kind: ObjectKind, name: unknown): unknown {
  if (typeof name !== "string") return undefined;
  if (kind === "pipe") {
    const p = scope.pipes.get(name);
    return p ? pipeView(mem, p) : undefined;
  }
  const v = scope.get(name);
  if (!v || v.type !== kind) return undefined;
  switch (v.type) {
    case "sgt":
      return sgtView(mem, v.sgt);
    case "rdma":
      return rdmaView(v.rdma);
    case "mr":
      return mrView(v.mr);
    case "bio":
      return bioView(mem, v.bio);
  }
  return undefined;
}

/** Every variable and pipe as its view, in creation order (`--state`). */
export function stateView(mem: Memory, scope: Scope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of scope.vars) {
    if (v.type === "iter") out[`iter.${name}`] = iterView(mem, v.iter);
    else if (v.type === "state" || v.type === "pages") {
      out[`${v.type}.${name}`] = varFields(mem, captureVar(v));
    } else out[`${v.type}.${name}`] = objectView(mem, scope, v.type, name);
  }
  for (const name of scope.pipes.keys()) out[`pipe.${name}`] = objectView(mem, scope, "pipe", name);
  return out;
}
