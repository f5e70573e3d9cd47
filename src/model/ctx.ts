/**
 * What every model function is given: the memory, the era, injected faults and a sink for
 * warnings. The replay engine fills in the step and cause of each warning.
 *
 * @module
 */
import type { Memory } from "./memory.ts";
import type { KernelProfile } from "../profile.ts";
import type { WarningCode } from "../check/warnings.ts";
import type { Addr, Pfn, Severity } from "../types.ts";

/** A user address range where accesses fault (`fault_inject`). */
export interface FaultRange {
  readonly start: Addr;
  readonly end: Addr;
}

/** Optional details of a warning. */
export interface WarnDetail {
  /** Step that created the object at fault. */
  readonly cause?: number;
  /** Page concerned, by trace name. */
  readonly page?: string;
  /** Overrides the catalogue severity where one code covers a BUG and a WARN. */
  readonly severity?: Severity;
}

/** What a pipe operation did to buffers that may be under I/O (pipe.ts fills it in). */
export interface PipeEffects {
  /** Buffers released (page dropped from the pipe). */
  readonly released: { readonly pfn: Pfn }[];
  /** Buffers shortened in place. */
  readonly shortened: { readonly pfn: Pfn }[];
}

/** The model's environment. */
export interface ModelCtx {
  readonly mem: Memory;
  readonly profile: KernelProfile;
  readonly faults: FaultRange[];
  warn(code: WarningCode, message: string, detail?: WarnDetail): void;
  /** Told which pipe buffers an advance or revert released or shortened (rule 4.5.2). */
  pipeEffects?(it: { readonly name: string }, fx: PipeEffects, fn: string): void;
}
