/**
 * Releases and the era table: parsing, the modelled range, stable backports, boundaries, and
 * the table's own consistency (every row names functions, commits and evidence).
 */
import assert from "node:assert/strict";
import {
  boundaryReleases,
  compareRelease,
  type Feature,
  featureIn,
  FEATURES,
  kernelLabel,
  kernelProfile,
  LATEST,
  modelledEras,
  parseRelease,
  RC_SERIES,
  releaseName,
  releaseProblem,
  whenHolds,
} from "../../src/profile.ts";

Deno.test("releases: mainline, stable point releases and latest", () => {
  assert.deepEqual(parseRelease("6.12"), [6, 12]);
  assert.deepEqual(parseRelease("6.12.88"), [6, 12, 88]);
  assert.deepEqual(parseRelease("latest"), LATEST);
  assert.deepEqual(LATEST, [7, 4]);
  assert.equal(kernelLabel("latest"), "latest (7.4)");
  assert.equal(kernelProfile("latest").label, "latest (7.4)");
  assert.equal(kernelProfile("6.18.30").label, "6.18.30");
  assert.ok(compareRelease([6, 12], [6, 12, 88]) < 0);
  assert.ok(compareRelease([6, 12, 88], [6, 13]) < 0);
});

Deno.test("releases: unknown or out-of-range releases are refused, naming the range", () => {
  for (const bad of ["6.20", "5.4", "7.5", "8.0", "4.19.300"]) {
    assert.match(releaseProblem(bad)!, /modelled releases are 5\.15 to 7\.4/, bad);
    assert.throws(() => kernelProfile(bad), RangeError);
  }
  assert.match(releaseProblem("7.4.1")!, /no stable point releases/);
  assert.match(releaseProblem("6.12.0")!, /"6\.12"/);
  assert.match(releaseProblem("6.x")!, /not a release/);
  for (const ok of ["5.15", "6.19", "7.0", "7.4", "6.12.88", "7.3.2", "latest"]) {
    assert.equal(releaseProblem(ok), undefined, ok);
  }
});

Deno.test("backports: CVE-2026-46289's fix is in 6.6.140, 6.12.88, 6.18.30, 7.0.7 and 7.1", () => {
  const fixed = (r: string) => kernelProfile(r).has("kvec_to_sg_len_fix");
  for (const r of ["6.6.140", "6.6.141", "6.12.88", "6.12.118", "6.18.30", "7.0.7", "7.1"]) {
    assert.ok(fixed(r), r);
  }
  for (const r of ["6.6", "6.6.139", "6.12", "6.12.87", "6.13", "6.18.29", "6.19", "7.0.6"]) {
    assert.ok(!fixed(r), r);
  }
});

Deno.test("audit: rows moved by the 2026 audit sit in the release the merges show", () => {
  const first = (f: keyof typeof FEATURES) =>
    modelledEras().find((r) => featureIn(f, parseRelease(r)!));
  assert.equal(first("netfs_limit_kvec"), "7.0");
  assert.equal(first("bvec_extract_maxpages_check"), "7.2");
  assert.equal(first("xarray_extract_hole_fix"), "7.2");
  assert.equal(first("xarray_to_sg_offset_fix"), "7.2");
  assert.equal(first("slab_refcount_frozen"), "6.14");
  assert.equal(first("bvec_get_pages_folio_fix"), "6.15");
  assert.ok(kernelProfile("6.18.21").has("netfs_limit_kvec"));
  assert.ok(!kernelProfile("6.18.20").has("netfs_limit_kvec"));
  assert.ok(kernelProfile("7.3").has("iter_folioq"));
  assert.ok(!kernelProfile("7.4").has("iter_folioq"));
});

Deno.test("era table: every row names functions, commits with releases matching, evidence", () => {
  for (const [name, f] of Object.entries(FEATURES) as [string, Feature][]) {
    assert.ok(f.functions.length > 0, name);
    assert.ok(f.since || f.until, name);
    for (const [edge, c] of [[f.since, f.introduced], [f.until, f.ended]] as const) {
      if (!edge) continue;
      assert.ok(c, `${name}: a boundary without its commit`);
      assert.equal(c.release, releaseName(edge), `${name}: ${c.subject}`);
      if (c.commit) assert.match(c.commit, /^[0-9a-f]{12}$/, name);
      assert.ok(c.evidence.length > 10, name);
      for (const b of c.backports ?? []) {
        const r = parseRelease(b)!;
        assert.equal(r.length, 3, `${name}: backport ${b}`);
        assert.equal(releaseProblem(b), undefined, `${name}: backport ${b}`);
        assert.ok(compareRelease(r, edge) < 0, `${name}: backport ${b} after ${c.release}`);
      }
    }
  }
});

Deno.test("boundaries: each change with the release before it, stable ones included", () => {
  const b = boundaryReleases();
  for (const r of ["6.13", "7.0", "7.1", "7.2", "6.12.87", "6.12.88", "6.18.29", "6.18.30"]) {
    assert.ok(b.includes(r), r);
  }
  const sorted = [...b].sort((x, y) => compareRelease(parseRelease(x)!, parseRelease(y)!));
  assert.deepEqual(b, sorted);
  assert.equal(new Set(b).size, b.length);
  assert.equal(modelledEras()[0], "5.15");
  assert.equal(modelledEras().at(-1), "7.4");
  assert.ok(modelledEras().includes("6.19"));
});

Deno.test("when: alternatives and stable releases", () => {
  const c = ">=7.1 || >=6.12.88 <6.13";
  assert.ok(whenHolds(c, [7, 2]));
  assert.ok(whenHolds(c, [6, 12, 88]));
  assert.ok(!whenHolds(c, [6, 12, 87]));
  assert.ok(!whenHolds(c, [6, 13]));
  assert.ok(whenHolds("latest", [7, 4]));
  assert.ok(whenHolds(">=6.3 <6.5", [6, 4, 3]));
});

Deno.test("release candidates: X.Y-rc1 < ... < X.Y < X.Y.1, modelled where rows are placed by -rc", () => {
  assert.deepEqual(parseRelease("7.3-rc2"), [7, 3, -98]);
  assert.equal(releaseName(parseRelease("7.3-rc2")!), "7.3-rc2");
  const order = ["7.2", "7.2.6", "7.3-rc1", "7.3-rc2", "7.3-rc3", "7.3-rc7", "7.3", "7.3.1", "7.4"];
  const sorted = [...order].sort((a, b) => compareRelease(parseRelease(a)!, parseRelease(b)!));
  assert.deepEqual(sorted, order);
  assert.equal(parseRelease("7.3-rc0"), undefined);
  assert.equal(parseRelease("7.3-rc"), undefined);
  assert.equal(parseRelease("7.3.1-rc1"), undefined);
  for (const ok of ["7.3-rc1", "7.3-rc2", "7.3-rc7"]) {
    assert.equal(releaseProblem(ok), undefined, ok);
  }
  assert.equal(kernelProfile("7.3-rc2").label, "7.3-rc2");
  // an -rc past the last one in the record, or of a series whose rows are placed at mainline
  // releases only, is refused like any unknown release
  assert.match(releaseProblem("7.3-rc8")!, /7\.3-rc7 is the last release candidate/);
  assert.match(releaseProblem("6.12-rc3")!, /release candidates of 6\.12 are not modelled/);
  assert.match(releaseProblem("7.4-rc1")!, /release candidates of 7\.4 are not modelled/);
  assert.match(releaseProblem("7.5-rc1")!, /modelled releases are 5\.15 to 7\.4/);
  assert.match(releaseProblem("7.3-rcx")!, /X\.Y-rcN/);
  assert.throws(() => kernelProfile("7.3-rc9"), RangeError);
});

Deno.test("release candidates: a series with modelled -rcs has every row placed at an -rc", () => {
  for (const series of Object.keys(RC_SERIES)) {
    const s = parseRelease(series)!;
    for (const [name, f] of Object.entries(FEATURES) as [string, Feature][]) {
      for (const edge of [f.since, f.until]) {
        if (!edge || edge[0] !== s[0] || edge[1] !== s[1]) continue;
        assert.ok(
          edge[2] !== undefined && edge[2] < 0,
          `${name}: ${releaseName(edge)} in ${series}`,
        );
      }
    }
  }
});

Deno.test("bug 12: the raw segment check is in 7.3-rc1, 7.3-rc2 and 7.2.4-7.2.6 only", () => {
  const check = (r: string) => kernelProfile(r).has("dio_align_at_extract");
  const fixed = (r: string) => kernelProfile(r).has("extract_bvecs_check_fix");
  const raw = (r: string) => check(r) && !fixed(r);
  for (const r of ["7.3-rc1", "7.3-rc2", "7.2.4", "7.2.5", "7.2.6"]) assert.ok(raw(r), r);
  for (const r of ["7.2", "7.2.3", "7.2.7", "7.2.30", "7.3-rc3", "7.3", "7.3.1", "7.4"]) {
    assert.ok(!raw(r), r);
  }
  for (const r of ["7.2.4", "7.3-rc1", "7.3-rc2", "7.3", "7.4"]) assert.ok(check(r), r);
  for (const r of ["7.2", "7.2.3", "6.18.40"]) assert.ok(!check(r), r);
  const b = boundaryReleases();
  for (const r of ["7.2", "7.3-rc1", "7.3-rc2", "7.3-rc3", "7.2.6", "7.2.7"]) {
    assert.ok(b.includes(r), r);
  }
  assert.ok(whenHolds(">=7.3-rc1 <7.3-rc3", [7, 3, -98]));
  assert.ok(!whenHolds(">=7.3-rc1 <7.3-rc3", [7, 3]));
  assert.ok(!whenHolds(">=7.2.7 <7.3-rc1", [7, 3, -99]));
});
