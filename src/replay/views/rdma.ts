/**
 * The view of an RDMA SGE list.
 *
 * @module
 */
import type { RdmaList, Sge } from "../../convert/rdma.ts";
import { hex } from "../../types.ts";

/** An SGE list as `expect: rdma` compares it. */
export function rdmaView(r: RdmaList): Record<string, unknown> {
  return {
    nr_sge: r.sge.length,
    sge: r.sge.map((g) => ({ addr: hex(g.addr), length: g.length, lkey: hex(g.lkey) })),
  };
}

/** Copies what an SGE list's change shows (SGEs are immutable once added). */
export function captureRdma(r: RdmaList): readonly Sge[] {
  return r.sge.slice();
}

/** An SGE list as its changes show it. */
export function rdmaFields(sge: readonly Sge[]): Record<string, unknown> {
  return {
    nr_sge: sge.length,
    sge: sge.map((g) =>
      g.reserved ? "(reserved)" : `${hex(g.addr)} len ${hex(g.length)} lkey ${hex(g.lkey)}`
    ),
  };
}
