/**
 * `itertrace schema`: the JSON Schema of the trace format, generated from the loader's zod
 * schema.
 *
 * @module
 */
import { z } from "zod";
import type { Io } from "./io.ts";
import { documentSchema } from "../trace/schema.ts";

/** Runs `schema`; returns the exit code. */
export function schemaCommand(io: Io): number {
  const js = z.toJSONSchema(documentSchema(), {
    io: "input",
    unrepresentable: "any",
    reused: "ref",
  });
  io.stdout(JSON.stringify({ ...js, title: "itertrace trace format v1" }, null, 2) + "\n");
  return 0;
}
