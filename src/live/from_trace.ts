/**
 * `itertrace live TRACE...`: the shape of a trace's user I/O, to run on the kernel. A trace is
 * runnable when its first iterator is a user one (import_iovec, iov_iter_init or
 * iov_iter_ubuf) over one anonymous user region, and it hands that iterator to
 * bio_iov_iter_get_pages (O_DIRECT: preadv for ITER_DEST, pwritev for ITER_SOURCE) or to
 * iov_iter_get_pages2 (vmsplice, ITER_SOURCE). The case then runs like a random one: the
 * kernel's answer against the model's replay of the same syscall path.
 *
 * @module
 */
import { parse } from "yaml";
import { parseAddrExpr, parseBig } from "../trace/num.ts";
import type { LiveShape } from "./shapes.ts";

/** The shape of a trace's user I/O, or why it cannot run on a kernel. */
export function shapeOfTrace(text: string): LiveShape | string {
  let doc: Record<string, unknown>;
  try {
    doc = (text.trimStart().startsWith("{") ? JSON.parse(text) : parse(text)) as Record<
      string,
      unknown
    >;
  } catch (e) {
    return `not a YAML/JSON trace (${(e as Error).message.split("\n")[0]})`;
  }
  const mem = (doc?.memory ?? {}) as { user?: Record<string, unknown>[] };
  const ops = (doc?.ops ?? []) as Record<string, unknown>[];
  if (!Array.isArray(ops)) return "no ops";
  const first = ops.find((o) =>
    ["import_iovec", "iov_iter_init", "iov_iter_ubuf", "iov_iter_kvec", "iov_iter_bvec"].includes(
      String(o.op),
    )
  );
  if (!first || !["import_iovec", "iov_iter_init", "iov_iter_ubuf"].includes(String(first.op))) {
    return "its first iterator is not user memory (import_iovec, iov_iter_init, iov_iter_ubuf)";
  }
  const segs: { base: unknown; len: unknown }[] = first.op === "iov_iter_ubuf"
    ? [{ base: first.addr, len: first.len }]
    : (first.iov as { base: unknown; len: unknown }[]) ?? [];
  let region: string | undefined;
  const out: { off: number; len: number }[] = [];
  for (const s of segs) {
    const a = parseAddrExpr(s.base);
    const len = parseBig(s.len);
    if (!a || !("region" in a) || len === undefined || len < 0n) {
      return "a segment address is not <region>+<offset>";
    }
    if (region !== undefined && region !== a.region) return "segments in more than one region";
    region = a.region;
    out.push({ off: a.offset, len: Number(len) });
  }
  const r = (mem.user ?? []).find((u) => u.region === region);
  if (!r) return `no user region "${region}" (tasks and files cannot run here)`;
  if ((r.vma ?? "anon") !== "anon" || (r.prot ?? "rw") !== "rw") {
    return `region "${region}" is not a private read-write anonymous mapping`;
  }
  const size = Number(parseBig(r.size) ?? 0n);
  const order = Number(r.folio_order ?? 0);
  if (order !== 0 && order !== 9) return `folio_order ${order}: only small pages or a PMD THP`;
  const it = first.iter;
  const dir = first.dir;
  const uses = ops.slice(ops.indexOf(first) + 1).filter((o) => o.iter === it);
  const bio = uses.some((o) => o.op === "bio_iov_iter_get_pages");
  const gp = uses.some((o) => o.op === "iov_iter_get_pages2");
  let syscall: LiveShape["syscall"];
  if (bio) syscall = dir === "dest" ? "preadv" : "pwritev";
  else if (gp && dir === "source") syscall = "vmsplice";
  else {
    return "the iterator reaches neither bio_iov_iter_get_pages nor (as a source) iov_iter_get_pages2";
  }
  const thp = order === 9;
  return {
    syscall,
    size: thp ? 2 * 1024 * 1024 : Math.ceil(size / 4096) * 4096,
    thp,
    touched: thp || r.populated !== false,
    segs: out,
    kind: `trace${thp ? "+thp" : ""}${r.populated === false ? "+untouched" : ""}`,
  };
}
