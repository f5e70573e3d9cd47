/**
 * `itertrace export kunit`: traces to one KUnit suite (C) for a kernel era, one test case per
 * trace, the model's results (replayed in that era) as the expectations. The klitmus7 idea:
 * the same test is simulated by the model and run on the real kernel.
 *
 * @module
 */
import type { LoadedTrace } from "../trace/load.ts";
import { exportCase, type KunitCase, type SkipClass } from "./case.ts";
import { KAPI, type Kapi, kapiFor } from "./kapi.ts";
import { PRELUDE } from "./prelude.ts";

/** The KUnit suite name of exported suites. */
export const SUITE = "itertrace";

/** The result of an export. */
export interface KunitExport {
  readonly era: string;
  /** The C source. */
  readonly c: string;
  readonly cases: readonly KunitCase[];
  /** Totals for the command's output. */
  readonly totals: {
    readonly traces: number;
    readonly exported: number;
    readonly unexportable: number;
    readonly calls: number;
    readonly skippedOps: number;
    /** skippedOps by class (exported cases only), classes in first-seen order. */
    readonly skippedByClass: Readonly<Partial<Record<SkipClass, number>>>;
    /** Ops of exported cases that the trace's `when:` leaves out of this era. */
    readonly notInEra: number;
  };
}

/** Kernel release an era exports for, or an error message. */
export function exportEra(era: string): Kapi | string {
  const k = kapiFor(era);
  if (!k) {
    return `cannot export for kernel "${era}": KUnit suites are exported for releases ${
      KAPI.kunit.since.join(".")
    } and later ("X.Y")`;
  }
  return k;
}

/** Exports traces (already loaded) as one suite. */
export function exportKunit(traces: readonly LoadedTrace[], kapi: Kapi): KunitExport {
  const used = new Set<string>();
  const cases = traces.map((t, i) => {
    let fn = `itk_${String(i).padStart(3, "0")}_${cident(t.header.name).slice(0, 48)}`;
    while (used.has(fn)) fn += "_";
    used.add(fn);
    return exportCase(t, kapi, fn);
  });
  const ok = cases.filter((c) => c.c !== undefined);
  const lines = [
    "// SPDX-License-Identifier: GPL-2.0-only",
    `/*`,
    ` * KUnit suite exported by itertrace (itertrace export kunit --kernel ${kapi.era}).`,
    ` * Each case runs one trace's ops on this kernel and expects what itertrace's model`,
    ` * computed for them in kernel ${kapi.era}. Regenerate; do not edit.`,
    ` *`,
    ` * ${ok.length} of ${traces.length} traces exported.`,
    ...cases.filter((c) => c.c === undefined).map((c) =>
      ` * not exported: ${c.name} (${c.file}): ${c.unexportable}`
    ),
    ` */`,
    "",
    "#include <linux/module.h>",
    "#include <linux/mm.h>",
    "#include <linux/mman.h>",
    "#include <linux/highmem.h>",
    "#include <linux/slab.h>",
    "#include <linux/vmalloc.h>",
    "#include <linux/uio.h>",
    "#include <linux/bvec.h>",
    "#include <linux/xarray.h>",
    "#include <linux/scatterlist.h>",
    "#include <linux/swap.h>",
    "#include <linux/uaccess.h>",
    "#include <linux/log2.h>",
    "#include <linux/kthread.h>",
    "#include <linux/sched/mm.h>",
    "#include <linux/sched/signal.h>",
    ...(kapi.has("folio_queue") ? ["#include <linux/folio_queue.h>"] : []),
    "#include <kunit/test.h>",
    "#include <kunit/resource.h>",
    "",
    ...kapi.macros(),
    PRELUDE,
    ...ok.map((c) => c.c + "\n"),
    "static struct kunit_case itk_cases[] = {",
    ...ok.map((c) => `\tKUNIT_CASE(${c.fn}),`),
    "\t{}",
    "};",
    "",
    "static struct kunit_suite itk_suite = {",
    `\t.name = "${SUITE}",`,
    "\t.test_cases = itk_cases,",
    "};",
    "",
    "kunit_test_suites(&itk_suite);",
    "",
    'MODULE_DESCRIPTION("itertrace model agreement tests");',
    'MODULE_LICENSE("GPL");',
    "",
  ];
  return {
    era: kapi.era,
    c: lines.join("\n"),
    cases,
    totals: {
      traces: traces.length,
      exported: ok.length,
      unexportable: traces.length - ok.length,
      calls: ok.reduce((n, c) => n + c.exported, 0),
      skippedOps: ok.reduce((n, c) => n + c.skipped.length, 0),
      skippedByClass: tally(ok.flatMap((c) => c.skipped.map((s) => s.class))),
      notInEra: ok.reduce((n, c) => n + c.notInEra, 0),
    },
  };
}

function tally(classes: readonly SkipClass[]): Partial<Record<SkipClass, number>> {
  const out: Partial<Record<SkipClass, number>> = {};
  for (const k of classes) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function cident(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_").replace(/^_|_$/g, "").toLowerCase();
}
