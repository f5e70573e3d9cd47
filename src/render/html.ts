/**
 * The HTML report: one self-contained page (no scripts, no external resources) with, per
 * step, what changed and a picture of the lists that exist after it: page lists, sg tables,
 * SGE arrays and bios as rows of entries pointing at pages, each entry coloured by how its
 * page is held (pin, ref, nothing) and struck through once released; and the iterators as
 * bars of their remaining segments.
 *
 * @module
 */
import type { StepResult, Summary } from "../replay/engine.ts";
import type { Warning } from "../check/warnings.ts";
import { show } from "./value.ts";

/** One step of the report: the result, the op's arguments, the state after it. */
export interface ReportStep {
  readonly st: StepResult;
  readonly args: Record<string, unknown>;
  readonly state: Record<string, unknown>;
}

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}

const COLOUR: Record<string, string> = { pin: "#d9534f", ref: "#f0ad4e", none: "#9aa5b1" };

interface Box {
  label: string;
  sub: string;
  kind: string;
  released: boolean;
}

/** Rows of boxes for the lists in a state view. */
function rows(state: Record<string, unknown>): { title: string; boxes: Box[] }[] {
  const out: { title: string; boxes: Box[] }[] = [];
  for (const [key, v] of Object.entries(state)) {
    const o = v as Record<string, unknown>;
    if (key.startsWith("iter.")) {
      const segs = (o.segs as Record<string, unknown>[] | undefined) ?? [];
      out.push({
        title: `${key} (${o.kind}, ${o.dir}, count ${show(o.count)})`,
        boxes: segs.slice(0, 24).map((s) => ({
          label: String(s.page ?? s.base ?? s.file ?? ""),
          sub: `len ${show(s.len)}`,
          kind: "iter",
          released: false,
        })),
      });
    } else if (key.startsWith("pages.")) {
      const retention = String(o.retention);
      out.push({
        title: `${key} (${retention})`,
        boxes: String(o.pages).split(/ (?=[^ (])/).filter(Boolean).slice(0, 24).map((p) => ({
          label: p.replace(" (released)", ""),
          sub: retention,
          kind: retention,
          released: p.endsWith("(released)"),
        })),
      });
    } else if (key.startsWith("sgt.")) {
      out.push({
        title: `${key} (nents ${show(o.nents)})`,
        boxes: ((o.entries as Record<string, unknown>[]) ?? []).slice(0, 24).map((e) => ({
          label: String(e.page),
          sub: `+${show(e.offset)} len ${show(e.length)}`,
          kind: "none",
          released: false,
        })),
      });
    } else if (key.startsWith("rdma.")) {
      out.push({
        title: `${key} (nr_sge ${show(o.nr_sge)})`,
        boxes: ((o.sge as Record<string, unknown>[]) ?? []).slice(0, 24).map((g) => ({
          label: String(g.addr),
          sub: `len ${show(g.length)}`,
          kind: "none",
          released: false,
        })),
      });
    } else if (key.startsWith("bio.")) {
      const kind = o.pinned ? "pin" : "none";
      out.push({
        title: `${key} (vcnt ${show(o.vcnt)}${o.pinned ? ", pinned" : ""}${
          o.cloned ? ", cloned" : ""
        })`,
        boxes: ((o.bvec as Record<string, unknown>[]) ?? []).slice(0, 24).map((b) => ({
          label: String(b.page),
          sub: `+${show(b.offset)} len ${show(b.len)}`,
          kind,
          released: false,
        })),
      });
    }
  }
  const held: Box[] = [];
  for (const kind of ["pins", "refs"] as const) {
    const pages = ((state[kind] as { pages?: Record<string, number> } | undefined)?.pages) ?? {};
    for (const [page, n] of Object.entries(pages)) {
      held.push({
        label: page,
        sub: `${n} ${kind === "pins" ? "pin" : "ref"}${n === 1 ? "" : "s"}`,
        kind: kind === "pins" ? "pin" : "ref",
        released: false,
      });
    }
  }
  if (held.length) {
    out.push({ title: "pages held (pins and refs outstanding)", boxes: held.slice(0, 24) });
  }
  return out;
}

function svg(state: Record<string, unknown>): string {
  const rs = rows(state);
  if (!rs.length) return "";
  const W = 118, H = 34, GAP = 6, TITLE = 16;
  const width = 12 + Math.max(4, ...rs.map((r) => r.boxes.length)) * (W + GAP);
  const height = rs.length * (TITLE + H + 12) + 4;
  const parts: string[] = [];
  rs.forEach((r, i) => {
    const y = 4 + i * (TITLE + H + 12);
    parts.push(`<text x="6" y="${y + 12}" class="t">${esc(r.title)}</text>`);
    r.boxes.forEach((b, k) => {
      const x = 6 + k * (W + GAP);
      const fill = b.kind === "iter" ? "#5b8def" : COLOUR[b.kind] ?? COLOUR.none;
      parts.push(
        `<rect x="${x}" y="${y + TITLE}" width="${W}" height="${H}" rx="4" fill="${
          b.released ? "#fff" : fill
        }" stroke="${fill}" stroke-width="2"${b.released ? ' stroke-dasharray="4 3"' : ""}/>`,
        `<text x="${x + 6}" y="${y + TITLE + 14}" class="l">${esc(b.label)}</text>`,
        `<text x="${x + 6}" y="${y + TITLE + 28}" class="s">${esc(b.sub)}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${
    parts.join("")
  }</svg>`;
}

function warningHtml(w: Warning): string {
  return `<li class="w ${w.severity}"><b>${esc(w.code)}</b> (${w.severity}${
    w.cause !== undefined ? `, cause #${w.cause}` : ""
  }) ${esc(w.message)}</li>`;
}

/** Renders the whole report. */
export function renderReport(
  meta: { name: string; kernel: string; description?: string },
  steps: readonly ReportStep[],
  summary: Summary,
  endWarnings: readonly Warning[],
): string {
  const body = steps.map(({ st, args, state }) => {
    const a = Object.entries(args).filter(([k, v]) =>
      !["op", "id", "expect", "when"].includes(k) && v !== undefined
    )
      .map(([k, v]) => `${k}=${show(v)}`).join(", ");
    const changes = st.changes.map((c) =>
      `<tr><td>${esc(c.path)}</td><td>${esc(c.before === null ? "" : show(c.before))}</td><td>${
        esc(c.after === null ? "(gone)" : show(c.after))
      }</td></tr>`
    ).join("");
    return `<section id="step-${st.index}"><h2>#${st.index} <code>${esc(st.op)}(${esc(a)})</code>${
      st.ret !== null ? ` = <code>${esc(show(st.ret))}</code>` : ""
    }${st.skipped ? ` <span class="skip">skipped: ${esc(st.skipped)}</span>` : ""}</h2>${
      changes
        ? `<table><tr><th>changed</th><th>before</th><th>after</th></tr>${changes}</table>`
        : ""
    }${st.warnings.length ? `<ul>${st.warnings.map(warningHtml).join("")}</ul>` : ""}${
      st.failures.map((f) =>
        `<p class="fail">expectation ${esc(f.path)}: expected ${esc(show(f.expected))}, got ${
          esc(show(f.actual))
        }</p>`
      )
        .join("")
    }${svg(state)}</section>`;
  }).join("\n");
  const counts = (c: { acquired: number; released: number; outstanding: number }) =>
    `acquired ${c.acquired}, released ${c.released}, outstanding ${c.outstanding}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>itertrace: ${esc(meta.name)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
code{font:13px ui-monospace,monospace}h2{font-size:15px;margin:1.6em 0 .4em}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ddd;padding:2px 8px;font:12px ui-monospace,monospace;text-align:left}
.w.bug{color:#a00}.w.warn{color:#a60}.w.hazard{color:#850}.fail{color:#a00}.skip{color:#888;font-weight:normal}
svg{display:block;margin:.4em 0}svg .t{font:12px system-ui;fill:#333}svg .l{font:11px ui-monospace,monospace;fill:#111}svg .s{font:10px ui-monospace,monospace;fill:#222}
.legend span{display:inline-block;padding:0 .6em;margin-right:.5em;border-radius:3px;color:#fff}
</style></head><body>
<h1>${esc(meta.name)} <small>(kernel ${esc(meta.kernel)})</small></h1>
${meta.description ? `<p>${esc(meta.description)}</p>` : ""}
<p class="legend"><span style="background:${COLOUR.pin}">pinned</span><span style="background:${COLOUR.ref}">ref</span><span style="background:${COLOUR.none}">not held</span><span style="background:#5b8def">iterator segment</span> dashed: released</p>
${body}
<section><h2>summary</h2><p>pins ${counts(summary.pins)}; refs ${
    counts(summary.refs)
  }; verdict <b>${esc(summary.verdict)}</b></p>${
    endWarnings.length ? `<ul>${endWarnings.map(warningHtml).join("")}</ul>` : ""
  }</section>
</body></html>
`;
}
