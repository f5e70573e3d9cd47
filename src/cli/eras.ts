/**
 * `itertrace eras [FUNCTION]`: the era table. Every change of behaviour in release order
 * (what starts or ends, the kernel functions it touches, the commit and its subject, stable
 * backports, the evidence and the audit's verdict); with a function name, only the rows that
 * touch it.
 *
 * @module
 */
import type { Io } from "./io.ts";
import {
  type Change,
  compareRelease,
  type Feature,
  FEATURES,
  LATEST,
  MAINLINE,
  NEXT_SNAPSHOTS,
  nextSnapshots,
  parseRelease,
  RC_SERIES,
  rcRanges,
  releaseName,
} from "../profile.ts";
import { suggest } from "../trace/suggest.ts";

/** One boundary of the table: a row starting or ending in a release. */
export interface EraEvent {
  readonly release: string;
  readonly row: string;
  /** "+" the behaviour starts, "-" it ends. */
  readonly edge: "+" | "-";
  readonly functions: readonly string[];
  readonly what: string;
  readonly change?: Change;
  readonly audit: Feature["audit"];
}

/** Every boundary, in release order (then row name). */
export function eraEvents(): EraEvent[] {
  const out: EraEvent[] = [];
  for (const [row, f] of Object.entries(FEATURES) as [string, Feature][]) {
    const base = { row, functions: f.functions, what: f.what, audit: f.audit };
    if (f.since) {
      out.push({ ...base, release: releaseName(f.since), edge: "+", change: f.introduced });
    }
    if (f.until) out.push({ ...base, release: releaseName(f.until), edge: "-", change: f.ended });
  }
  return out.sort((a, b) =>
    compareRelease(parseRelease(a.release)!, parseRelease(b.release)!) ||
    a.row.localeCompare(b.row)
  );
}

/** The kernel functions some boundary touches, sorted: what `eras FUNCTION` accepts. */
export function eraFunctions(events: readonly EraEvent[] = eraEvents()): string[] {
  return [...new Set(events.flatMap((e) => e.functions))].sort();
}

function renderEvent(e: EraEvent): string {
  const c = e.change;
  const lines = [
    `${e.release.padEnd(6)} ${e.edge} ${e.row}   [${e.audit.verdict}: ${e.audit.note}]`,
    `         what       ${e.edge === "+" ? "" : "ends: "}${e.what}`,
    `         functions  ${e.functions.join(", ")}`,
  ];
  if (c) {
    lines.push(`         commit     ${c.commit ?? "(id not confirmed)"} "${c.subject}"`);
    if (c.backports?.length) lines.push(`         stable     ${c.backports.join(", ")}`);
    if (c.next) lines.push(`         linux-next ${c.next} (first snapshot carrying it)`);
    lines.push(`         evidence   ${c.evidence}`);
  }
  return lines.join("\n");
}

/** Runs `eras`; returns the exit code. */
export function erasCommand(io: Io, fn: string | undefined, o: { format: string }): number {
  let events = eraEvents();
  if (fn !== undefined) {
    const known = eraFunctions(events);
    if (!known.includes(fn)) {
      const hint = suggest(fn, known);
      io.stderr(
        `error: no era row touches "${fn}"${hint ? ` (did you mean "${hint}"?)` : ""}; ` +
          `functions with rows: ${known.join(", ")}\n`,
      );
      return 2;
    }
    events = events.filter((e) => e.functions.includes(fn));
  }
  if (o.format === "json") {
    io.stdout(
      JSON.stringify(
        {
          modelled: MAINLINE.map(releaseName),
          latest: releaseName(LATEST),
          release_candidates: Object.entries(RC_SERIES).map(([s, n]) => ({
            series: s,
            first: `${s}-rc1`,
            last: `${s}-rc${n}`,
          })),
          linux_next: nextSnapshots().map((n) => ({ snapshot: n, ...NEXT_SNAPSHOTS[n] })),
          events,
        },
        null,
        2,
      ) + "\n",
    );
    return 0;
  }
  io.stdout(
    `Modelled releases ${releaseName(MAINLINE[0])} to ${
      releaseName(LATEST)
    }, their stable point releases and the release candidates ${
      rcRanges().join(", ")
    }; "latest" is ${releaseName(LATEST)}.\n` +
      `Linux-next snapshots: ${
        nextSnapshots().map((n) => `${n} (on ${NEXT_SNAPSHOTS[n].base})`).join(", ")
      }. A snapshot has the rows of its base release plus the rows of the next release whose commit's first linux-next snapshot (its "linux-next" line) is on or before it, minus those whose ending commit's is; no stable backport. Ordered after its base, before the base's first stable release.\n` +
      `+ a behaviour starts in the release, - it ends. ${events.length} change${
        events.length === 1 ? "" : "s"
      }${fn ? ` touching ${fn}` : ""}.\n\n`,
  );
  io.stdout(events.map(renderEvent).join("\n\n") + "\n");
  return 0;
}
