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

/** A DMA mapper for one replay, with the ledger of mappings made and not yet unmapped. */
export class DmaMapper {
  private next = IOVA_BASE;
  /** Live mappings: "addr+length" -> how many times mapped and not unmapped. */
  private readonly live = new Map<string, number>();
  constructor(readonly iommu: boolean, readonly pageSize: number) {}

  /** Records a mapping made at `addr` for `length` bytes (map() does it). */
  private note(addr: number, length: number): void {
    const k = `${addr}+${length}`;
    this.live.set(k, (this.live.get(k) ?? 0) + 1);
  }

  /** dma_unmap_page(): false when (addr, length) is not a live mapping. */
  unmap(addr: number, length: number): boolean {
    const k = `${addr}+${length}`;
    const n = this.live.get(k) ?? 0;
    if (!n) return false;
    if (n === 1) this.live.delete(k);
    else this.live.set(k, n - 1);
    return true;
  }

  /** Whether (addr, length) is mapped. */
  mapped(addr: number, length: number): boolean {
    return (this.live.get(`${addr}+${length}`) ?? 0) > 0;
  }

  /** dma_map_page(): the bus address of (page, offset, length); offset may exceed a page. */
  map(pfn: Pfn, offset: number, length: number): number {
    const ps = this.pageSize;
    const page = pfn + Math.floor(offset / ps);
    const inPage = offset % ps;
    let addr: number;
    if (!this.iommu) addr = page * ps + inPage;
    else {
      addr = this.next + inPage;
      this.next += Math.max(1, Math.ceil((inPage + length) / ps)) * ps;
    }
    this.note(addr, length);
    return addr;
  }
}
