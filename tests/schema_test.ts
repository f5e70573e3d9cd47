/**
 * The committed JSON Schema (schema/trace.schema.json, which bundled traces name in their
 * yaml-language-server comment) is exactly what `itertrace schema` prints from the loader's
 * own zod schema; and every bundled YAML trace declares it.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/mod.ts";
import { collectTraces } from "../src/cli/check.ts";
import { fakeIo } from "./_io.ts";

Deno.test("schema/trace.schema.json is the schema itertrace prints", async () => {
  const io = fakeIo();
  assert.equal(await runCli(["schema"], io), 0);
  assert.equal(
    await Deno.readTextFile("schema/trace.schema.json"),
    io.out,
    "run: deno task schema",
  );
});

Deno.test("every bundled YAML trace declares the schema for editors", async () => {
  const files = (await collectTraces(fakeIo(), ["traces"])).filter((f) => /\.ya?ml$/.test(f));
  for (const f of files) {
    const first = (await Deno.readTextFile(f)).split("\n")[0];
    assert.match(
      first,
      /^# yaml-language-server: \$schema=(\.\.\/)+schema\/trace\.schema\.json$/,
      f,
    );
  }
});

Deno.test("the JSON Schema accepts every bundled trace (as an editor would check it)", async () => {
  const mod = await import("ajv/dist/2020");
  const { parse } = await import("yaml");
  // the CommonJS build exports the class as both the module and its default
  const Ajv2020 = (mod as unknown as {
    default: new (
      o: object,
    ) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown[] } };
  }).default;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(await Deno.readTextFile("schema/trace.schema.json")));
  const files = (await collectTraces(fakeIo(), ["traces"])).filter((f) =>
    /\.(ya?ml|json)$/.test(f)
  );
  for (const f of files) {
    const ok = validate(parse(await Deno.readTextFile(f)));
    assert.ok(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});
