/**
 * Workloads: the conversions a trace performs, found by their ops. An async DIO copy
 * (netfs_extract_user_iter, bio_iov_iter_get_pages, the get/extract-pages ops), a
 * scatterlist for crypto (extract_iter_to_sg) or an RDMA SGE array (smb_extract_iter_to_rdma,
 * smbdirect_map_sges_from_iter from 7.1):
 * each such op is one workload, whose source is the iterator the op converts, as the trace's
 * constructors and positional ops left it. Earlier conversions of the same iterator are taken
 * to have consumed what they asked for (the iterator is advanced by that much).
 *
 * @module
 */
import type { LoadedTrace, OpNode } from "../trace/load.ts";
import type { Purpose } from "./strategies/mod.ts";
import { SETUP_OPS } from "./world.ts";

/** Ops the lab reads as conversions, with the job each asks for. */
const CONVERSIONS: Readonly<
  Record<
    string,
    (
      a: Record<string, unknown>,
    ) => { purpose: Purpose; len: number; limit: number; dmaDir?: "to_device" | "from_device" }
  >
> = {
  netfs_extract_user_iter: (a) => ({ purpose: "dio", len: a.len as number, limit: 0 }),
  bio_iov_iter_get_pages: () => ({ purpose: "dio", len: Number.MAX_SAFE_INTEGER, limit: 0 }),
  iov_iter_get_pages2: (a) => ({ purpose: "dio", len: a.maxsize as number, limit: 0 }),
  iov_iter_get_pages_alloc2: (a) => ({ purpose: "dio", len: a.maxsize as number, limit: 0 }),
  iov_iter_get_pages: (a) => ({ purpose: "dio", len: a.maxsize as number, limit: 0 }),
  iov_iter_get_pages_alloc: (a) => ({ purpose: "dio", len: a.maxsize as number, limit: 0 }),
  iov_iter_extract_pages: (a) => ({ purpose: "dio", len: a.maxsize as number, limit: 0 }),
  extract_iter_to_sg: (a) => ({
    purpose: "sg",
    len: a.maxsize as number,
    limit: a.sg_max as number,
  }),
  smbdirect_map_sges_from_iter: (a) => ({
    purpose: "rdma",
    len: a.len as number,
    limit: (a.max_sge as number) - ((a.reserve as number) ?? 0),
    dmaDir: a.dma_dir as "to_device" | "from_device",
  }),
  smb_extract_iter_to_rdma: (a) => ({
    purpose: "rdma",
    len: a.len as number,
    limit: (a.max_sge as number) - ((a.reserve as number) ?? 0),
    dmaDir: a.dma_dir as "to_device" | "from_device",
  }),
};

/** One conversion of a trace. */
export interface Workload {
  readonly file: string;
  /** The trace's name and the op's id or index: `name#3`. */
  readonly id: string;
  readonly trace: LoadedTrace;
  /** The conversion op. */
  readonly op: OpNode;
  readonly iter: string;
  readonly purpose: Purpose;
  readonly len: number;
  readonly limit: number;
  readonly dmaDir: "to_device" | "from_device";
  /** Ops to apply, in order, before the conversion (setup ops and earlier conversions). */
  readonly before: readonly OpNode[];
}

/** Every conversion op of a trace, as a workload. */
export function findWorkloads(trace: LoadedTrace): Workload[] {
  const out: Workload[] = [];
  const before: OpNode[] = [];
  for (const op of trace.ops) {
    const conv = CONVERSIONS[op.op];
    if (conv) {
      const j = conv(op.args);
      out.push({
        file: trace.file,
        id: `${trace.header.name}#${op.id ?? op.index}`,
        trace,
        op,
        iter: op.args.iter,
        purpose: j.purpose,
        len: j.len,
        limit: j.limit,
        dmaDir: j.dmaDir ?? (j.purpose === "rdma" ? "to_device" : "from_device"),
        before: [...before],
      });
      before.push(op);
    } else if (SETUP_OPS.has(op.op)) before.push(op);
  }
  return out;
}

/** Whether an op of `before` is a conversion (applied as an advance by its length). */
export function conversionLength(op: OpNode): number | undefined {
  const conv = CONVERSIONS[op.op];
  return conv ? conv(op.args).len : undefined;
}
