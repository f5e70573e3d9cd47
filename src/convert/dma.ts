/**
 * DMA mapping (trace-format.md section 2.4): without an IOMMU a DMA address is the physical
 * address; with one, each mapping of (page, offset, length) gets a fresh page-granular IOVA
 * range from 0x100000000 upwards, in mapping order.
 *
 * The ledger of live mappings counts each (address, length) pair. It is kept per length and
 * in-page offset as runs of counts over the address's page number (pin_counts.ts's
 * CountRuns): mapping 262,144 pages one after the other is a few runs, keyed by numbers, not
 * a string per mapping, and mapping a page again (a trace that never unmaps) adds one to a
 * count.
 *
 * @module
 */
import type { Pfn } from "../types.ts";
import { CountRuns } from "../model/pin_counts.ts";

/** First IOVA handed out when an IOMMU is modelled. */
export const IOVA_BASE = 0x100000000;

/** A DMA mapper for one replay, with the ledger of mappings made and not yet unmapped. */
export class DmaMapper {
  private next = IOVA_BASE;
  /** Live mappings by `length * pageSize + addr % pageSize`: counts per addr / pageSize. */
  private readonly live = new Map<number, CountRuns>();
  constructor(readonly iommu: boolean, readonly pageSize: number) {}

  /** The ledger key of mappings of `length` bytes at `addr`'s in-page offset. */
  private key(addr: number, length: number): number {
    return length * this.pageSize + (addr % this.pageSize);
  }

  /** Records `n` mappings of `length` bytes at addr, addr + pageSize, ... */
  private note(addr: number, length: number, n: number): void {
    const k = this.key(addr, length);
    let runs = this.live.get(k);
    if (!runs) this.live.set(k, runs = new CountRuns());
    runs.add(Math.floor(addr / this.pageSize), n);
  }

  /** dma_unmap_page(): false when (addr, length) is not a live mapping. */
  unmap(addr: number, length: number): boolean {
    const k = this.key(addr, length);
    const runs = this.live.get(k);
    if (!runs || !runs.remove(Math.floor(addr / this.pageSize), 1)) return false;
    if (!runs.total) this.live.delete(k);
    return true;
  }

  /** Whether (addr, length) is mapped. */
  mapped(addr: number, length: number): boolean {
    const runs = this.live.get(this.key(addr, length));
    return !!runs && runs.count(Math.floor(addr / this.pageSize)) > 0;
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
    this.note(addr, length, 1);
    return addr;
  }

  /**
   * dma_map_page() of (pfn + i, offset, length) for i < n, in order: the first bus address
   * when they are one page apart (always without an IOMMU; with one when each mapping fits in
   * a page), undefined, mapping nothing, when they are not.
   */
  mapRun(pfn: Pfn, offset: number, length: number, n: number): number | undefined {
    const ps = this.pageSize;
    const inPage = offset % ps;
    let addr: number;
    if (!this.iommu) addr = (pfn + Math.floor(offset / ps)) * ps + inPage;
    else {
      if (inPage + length > ps) return undefined;
      addr = this.next + inPage;
      this.next += n * ps;
    }
    this.note(addr, length, n);
    return addr;
  }
}
