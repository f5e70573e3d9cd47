/**
 * DMA mapping (trace-format.md section 2.4): without an IOMMU a DMA address is the physical
 * address; with one, each mapping of (page, offset, length) gets a fresh page-granular IOVA
 * range from 0x100000000 upwards, in mapping order.
 *
 * @module
 */
import type { Pfn } from "../types.ts";

/** First IOVA handed out when an IOMMU is modelled. */
export const IOVA_BASE = 0x100000000;

/** A DMA mapper for one replay. */
export class DmaMapper {
  private next = IOVA_BASE;
  constructor(readonly iommu: boolean, readonly pageSize: number) {}

  /** dma_map_page(): the bus address of (page, offset, length); offset may exceed a page. */
  map(pfn: Pfn, offset: number, length: number): number {
    const ps = this.pageSize;
    const page = pfn + Math.floor(offset / ps);
    const inPage = offset % ps;
    if (!this.iommu) return page * ps + inPage;
    const base = this.next;
    this.next += Math.max(1, Math.ceil((inPage + length) / ps)) * ps;
    return base + inPage;
  }
}
