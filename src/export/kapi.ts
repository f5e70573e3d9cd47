/**
 * The kernel API an exported KUnit suite may call, era by era: one table, like the model's
 * profile table (src/profile.ts FEATURES). A row says from which release (and until which) a
 * kernel interface the exporter needs exists; the suite is written against the rows in force,
 * and ops or memory that need a missing row are reported as not expressible in that era.
 *
 * @module
 */
import { compareRelease, parseRelease, type Release } from "../profile.ts";

/** One kernel interface the exported C needs. */
export interface KapiRow {
  readonly since?: Release;
  readonly until?: Release;
  /** What it is and the evidence for its boundary. */
  readonly what: string;
  /** The C macro (ITK_HAVE_*) that tells the prelude, if the prelude cares. */
  readonly macro?: string;
}

/** The table of kernel interfaces the exporter uses. */
export const KAPI = {
  kunit: {
    since: [6, 1],
    what:
      "KUnit with kunit_alloc_resource() and KUNIT_EXPECT_*_MSG: the oldest era a recorded kernel checks (Debian linux-source-6.1)",
  },
  kunit_vm_mmap: {
    since: [6, 12],
    what:
      "kunit_vm_mmap(): user memory for a KUnit kthread (lib/kunit/user_alloc.c, added with the usercopy KUnit conversion; present in Debian's 6.12 source, absent from 6.1's). Where it is missing the prelude does what it does (user_mm)",
    macro: "ITK_HAVE_VM_MMAP",
  },
  user_mm: {
    since: [6, 1],
    what:
      "mm_alloc(), arch_pick_mmap_layout(), kthread_use_mm() and vm_mmap(): the steps kunit_vm_mmap() takes to give a KUnit kthread an mm of its own (lib/kunit/user_alloc.c kunit_attach_mm in 6.12), all in Debian's 6.1.192 source (kernel/fork.c, mm/util.c, kernel/kthread.c), so the prelude takes them itself where kunit_vm_mmap() is missing; the kthread's exit puts the mm either way. UBUF/IOVEC iterators need it",
    macro: "ITK_HAVE_USER_MM",
  },
  folio_queue: {
    since: [6, 12],
    what: "struct folio_queue and iov_iter_folio_queue() (db0aa2e9566f, 6.12)",
    macro: "ITK_HAVE_FOLIOQ",
  },
  extract_pages: {
    since: [6, 3],
    what:
      "iov_iter_extract_pages(), iov_iter_extract_will_pin() and extract_iter_to_sg() (David Howells' extraction API, 6.3)",
    macro: "ITK_HAVE_EXTRACT",
  },
  is_aligned: {
    since: [6, 0],
    until: [6, 18],
    what: "iov_iter_is_aligned() (removed in 6.18, as the model's is_aligned row)",
  },
} as const satisfies Record<string, KapiRow>;

/** Names of the interfaces. */
export type KapiName = keyof typeof KAPI;

/** Whether an interface exists in a release. */
export function kapiIn(name: KapiName, release: Release): boolean {
  const row: KapiRow = KAPI[name];
  if (row.since && compareRelease(release, row.since) < 0) return false;
  if (row.until && compareRelease(release, row.until) >= 0) return false;
  return true;
}

/** The interfaces of one era. */
export interface Kapi {
  readonly era: string;
  readonly release: Release;
  has(name: KapiName): boolean;
  /** `#define ITK_HAVE_* 0|1` lines for the prelude. */
  macros(): string[];
}

/** The kernel API of an era ("6.12"); undefined when the era cannot run an exported suite. */
export function kapiFor(era: string): Kapi | undefined {
  const release = parseRelease(era);
  if (!release || !kapiIn("kunit", release)) return undefined;
  return {
    era,
    release,
    has: (name) => kapiIn(name, release),
    macros: () =>
      Object.entries(KAPI as Record<string, KapiRow>).filter(([, r]) => r.macro).map((
        [n, r],
      ) => `#define ${r.macro} ${kapiIn(n as KapiName, release) ? 1 : 0}`),
  };
}
