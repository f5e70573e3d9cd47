/**
 * Every key the trace format knows, anywhere in a document: the pool "did you mean" draws
 * from for an unknown key. Read once from the JSON Schema the format's zod schema produces.
 *
 * @module
 */
import { z } from "zod";
import { documentSchema } from "./schema.ts";

let names: readonly string[] | undefined;

function collect(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out);
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "properties" && x && typeof x === "object" && !Array.isArray(x)) {
        for (const p of Object.keys(x)) out.add(p);
      }
      collect(x, out);
    }
  }
}

/** The keys of every object in the format, sorted. */
export function fieldNames(): readonly string[] {
  if (!names) {
    const out = new Set<string>();
    collect(z.toJSONSchema(documentSchema(), { io: "input", unrepresentable: "any" }), out);
    names = [...out].sort();
  }
  return names;
}
