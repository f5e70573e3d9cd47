/**
 * What every model function is given: the memory, the era, injected faults and a sink for
 * warnings. The replay engine fills in the step and cause of each warning.
 *
 * @module
 */
import type { Memory } from "./memory.ts";
import type { KernelProfile } from "../profile.ts";
import type { WarnDetail, WarnFn } from "../check/warnings.ts";
import type { Addr, Pfn } from "../types.ts";

export type { WarnDetail };

/** A user address range where accesses fault (`fault_inject`). */
export interface FaultRange {
  readonly start: Addr;
  readonly end: Addr;
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
  /** Raises a warning: the code's fields, typed from the catalogue, and a message. */
  readonly warn: WarnFn;
  /** Told which pipe buffers an advance or revert released or shortened (rule 4.5.2). */
  pipeEffects?(it: { readonly name: string }, fx: PipeEffects, fn: string): void;
}
