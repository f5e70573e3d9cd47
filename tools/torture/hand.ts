/**
 * The hand-written part of the outside corpus: bad traces over every field kind (numbers,
 * names, eras, memory declarations, every op family), each written as YAML and, where it
 * still parses, as JSON and JSON Lines; the importers' line formats; the command line; and
 * file-system situations (directories, FIFOs, device files, symlinks, read-only folders,
 * -o collisions, missing parents, full devices).
 *
 * @module
 */
import { parse } from "yaml";
import type { TortureCase } from "./case.ts";

const H = "itertrace: 1\nname: t\n";
const MEM = `memory:
  user: [{ region: u, size: 64K }]
  kernel: [{ region: k, kind: kmalloc, size: 16K }, { region: v, kind: vmalloc, size: 64K }]
  files: [{ name: f, size: 1M }]
  pipes: [{ name: p, max_usage: 16 }]
`;

/** Extreme and malformed numbers, as YAML scalars. */
export const NUMBERS = [
  "-1",
  "0",
  "1.5",
  "-0",
  "18446744073709551615",
  "18446744073709551616",
  "9007199254740993",
  "99999999999999999999999999999999999999",
  "1e309",
  ".nan",
  ".inf",
  "-.inf",
  '"1T"',
  '"16E"',
  '"0x"',
  '"0xZZ"',
  '"4K4"',
  '" 4K"',
  '"0b101"',
  '"0o17"',
  '"-EFAULT"',
  "true",
  "null",
  "[]",
  "{}",
  '"١٢٣"',
  "0x7fffffffffffffff",
  "0xffffffffffffffffff",
];

/** Malformed names. */
export const NAMES = [
  '""',
  '"a b"',
  '"../x"',
  '"x/y"',
  `"${"n".repeat(300)}"`,
  '"ü"',
  '"\\u0000"',
  '"😀"',
  "UBUF",
  "5",
  "null",
  "[a]",
  '"u+0"',
  '"u[0]"',
];

/** Malformed eras. */
export const ERAS = [
  '"99.9"',
  '"2.6"',
  '"6"',
  '"6.12.999"',
  '""',
  "6.1",
  '"v6.1"',
  '"6.1-rc1"',
  '"5.14"',
  '"latest "',
  "[6.1]",
  '"7.99"',
  '"6.12.0.1"',
];

/** Ops, each with arguments a number or name is substituted into (`$N`, `$S`). */
const OP_TEMPLATES: { op: string; numbers: string; names?: string }[] = [
  { op: "iov_iter_ubuf", numbers: "{ op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: $N }" },
  {
    op: "iov_iter_init",
    numbers: '{ op: iov_iter_init, iter: a, dir: dest, iov: [{ base: "u+0x10", len: $N }] }',
    names: '{ op: iov_iter_init, iter: $S, dir: dest, iov: [{ base: "u+0x10", len: 16 }] }',
  },
  {
    op: "import_iovec",
    numbers: '{ op: import_iovec, iter: a, dir: source, iov: [{ base: "u+$N", len: 16 }] }',
  },
  {
    op: "iov_iter_kvec",
    numbers: '{ op: iov_iter_kvec, iter: a, dir: source, kvec: [{ base: "k", len: $N }] }',
    names: "{ op: iov_iter_kvec, iter: a, dir: source, kvec: [{ base: $S, len: 16 }] }",
  },
  {
    op: "iov_iter_bvec",
    numbers:
      '{ op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "k[0]", offset: $N, len: 4096 }] }',
    names: "{ op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: $S, offset: 0, len: 4096 }] }",
  },
  {
    op: "iov_iter_xarray",
    numbers: "{ op: iov_iter_xarray, iter: a, dir: dest, file: f, start: $N, count: 4096 }",
    names: "{ op: iov_iter_xarray, iter: a, dir: dest, file: $S, start: 0, count: 4096 }",
  },
  {
    op: "iov_iter_folio_queue",
    numbers: "{ op: iov_iter_folio_queue, iter: a, dir: dest, folios: f, count: $N }",
  },
  { op: "iov_iter_discard", numbers: "{ op: iov_iter_discard, iter: a, count: $N }" },
  {
    op: "iov_iter_advance",
    numbers: "{ op: iov_iter_advance, iter: it, bytes: $N }",
    names: "{ op: iov_iter_advance, iter: $S, bytes: 1 }",
  },
  { op: "iov_iter_revert", numbers: "{ op: iov_iter_revert, iter: it, bytes: $N }" },
  { op: "iov_iter_truncate", numbers: "{ op: iov_iter_truncate, iter: it, count: $N }" },
  { op: "iov_iter_reexpand", numbers: "{ op: iov_iter_reexpand, iter: it, count: $N }" },
  {
    op: "iov_iter_get_pages2",
    numbers: "{ op: iov_iter_get_pages2, iter: it, maxsize: $N, maxpages: 16, as: pg }",
  },
  {
    op: "iov_iter_get_pages_alloc2",
    numbers: "{ op: iov_iter_get_pages_alloc2, iter: it, maxsize: 65536, as: pg, maxpages: $N }",
  },
  {
    op: "iov_iter_extract_pages",
    numbers: "{ op: iov_iter_extract_pages, iter: it, maxsize: $N, maxpages: 64, as: pg }",
    names: "{ op: iov_iter_extract_pages, iter: it, maxsize: 4096, maxpages: 4, as: $S }",
  },
  {
    op: "iov_iter_npages",
    numbers: "{ op: iov_iter_npages, iter: it, maxpages: $N }",
  },
  {
    op: "iov_iter_is_aligned",
    numbers: "{ op: iov_iter_is_aligned, iter: it, addr_mask: $N, len_mask: 511 }",
  },
  {
    op: "copy_to_iter",
    numbers: "{ op: copy_to_iter, iter: it, from: k, bytes: $N }",
    names: "{ op: copy_to_iter, iter: it, from: $S, bytes: 16 }",
  },
  { op: "copy_from_iter", numbers: "{ op: copy_from_iter, iter: it, to: v, bytes: $N }" },
  {
    op: "copy_page_to_iter",
    numbers: '{ op: copy_page_to_iter, iter: it, page: "k[0]", offset: $N, bytes: 16 }',
  },
  { op: "iov_iter_zero", numbers: "{ op: iov_iter_zero, iter: it, bytes: $N }" },
  {
    op: "fill",
    numbers: "{ op: fill, at: v, len: $N, pattern: index }",
    names: "{ op: fill, at: $S, len: 16, pattern: index }",
  },
  { op: "fill-random", numbers: "{ op: fill, at: v, len: 4096, pattern: { random: $N } }" },
  { op: "fill-byte", numbers: "{ op: fill, at: v, len: 4096, pattern: { byte: $N } }" },
  { op: "fault_inject", numbers: "{ op: fault_inject, at: u, len: $N }" },
  { op: "sg_alloc_table", numbers: "{ op: sg_alloc_table, sgt: s, nents: $N }" },
  {
    op: "extract_iter_to_sg",
    numbers: "{ op: extract_iter_to_sg, iter: it, len: $N, sgt: s, sg_max: 8 }",
  },
  {
    op: "netfs_extract_user_iter",
    numbers: "{ op: netfs_extract_user_iter, iter: it, len: $N, as: n }",
  },
  {
    op: "bio_iov_iter_get_pages",
    numbers: "{ op: bio_iov_iter_get_pages, iter: it, bio: b, max_vecs: $N, lbs: 512 }",
  },
  {
    op: "bio_iov_iter_get_pages-lbs",
    numbers: "{ op: bio_iov_iter_get_pages, iter: it, bio: b, max_vecs: 16, lbs: $N }",
  },
  { op: "kfree", numbers: "{ op: kfree, region: k }", names: "{ op: kfree, region: $S }" },
  { op: "munmap", numbers: "{ op: munmap, region: u }", names: "{ op: munmap, region: $S }" },
  { op: "truncate", numbers: "{ op: truncate, file: f, size: $N }" },
  { op: "free", numbers: "{ op: free, var: it }", names: "{ op: free, var: $S }" },
];

/** An IOVEC named `it` over `u`, made before the op under test. */
const PRELUDE =
  '  - { op: iov_iter_init, iter: it, dir: dest, iov: [{ base: "u+0x100", len: 0x3000 }] }\n';

/** Whole traces that are wrong in their structure or references. */
const TRACES: Record<string, string> = {
  "no-ops": `${H}${MEM}`,
  "ops-null": `${H}ops: null\n`,
  "ops-string": `${H}ops: "iov_iter_init"\n`,
  "ops-mapping": `${H}ops: { a: 1 }\n`,
  "version-0": "itertrace: 0\nname: t\nops: []\n",
  "version-str": 'itertrace: "1"\nname: t\nops: []\n',
  "version-missing": "name: t\nops: []\n",
  "name-number": "itertrace: 1\nname: 5\nops: []\n",
  "name-long": `itertrace: 1\nname: ${"x".repeat(100000)}\nops: []\n`,
  "header-list": "- itertrace: 1\n- name: t\n",
  "scalar-doc": "42\n",
  "null-doc": "~\n",
  "only-comment": "# nothing\n",
  "bom-only": "\ufeff",
  "bom-trace": `\ufeff${H}ops: []\n`,
  "crlf-trace": `${H}${MEM}ops:\n${PRELUDE}  - { op: nosuch }\n`.replace(/\n/g, "\r\n"),
  "cr-only": `${H}ops: []\n`.replace(/\n/g, "\r"),
  "tabs": `${H}ops:\n\t- { op: iov_iter_count, iter: a }\n`,
  "unclosed-flow": `${H}ops: [{ op: iov_iter_count, iter: a\n`,
  "unclosed-quote": `${H}name2: "abc\nops: []\n`,
  "dup-key-op": `${H}${MEM}ops:\n  - { op: iov_iter_count, op: iov_iter_count, iter: a }\n`,
  "dup-key-header": `${H}name: u\nops: []\n`,
  "anchor-undefined-op": `${H}${MEM}ops:\n  - { op: iov_iter_count, iter: *it }\n`,
  "anchor-self": `${H}a: &a [*a]\nops: []\n`,
  "anchor-in-op":
    `${H}${MEM}ops:\n  - &x { op: iov_iter_discard, iter: a, count: 1 }\n  - *x\n  - *x\n`,
  "merge-key": `${H}${MEM}base: &b { iter: a }\nops:\n  - { <<: *b, op: iov_iter_count }\n`,
  "alias-bomb-ops": `${H}ops: &o [*o]\n`,
  "alias-bomb-wide":
    `${H}a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nops: [*c]\n`,
  "tag-binary": `${H}ops: !!binary aGVsbG8=\n`,
  "tag-custom": `${H}ops: !!python/object:os.system []\n`,
  "tag-set": `${H}ops: !!set { a, b }\n`,
  "tag-timestamp": `${H}kernel: 2001-12-14\nops: []\n`,
  "deep-block": `${H}x:\n${
    Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i + 2)}- `).join("\n")
  }a\nops: []\n`,
  "deep-flow": `${H}x: ${"[".repeat(5000)}${"]".repeat(5000)}\nops: []\n`,
  "deep-flow-map": `${H}x: ${"{a: ".repeat(3000)}1${"}".repeat(3000)}\nops: []\n`,
  "many-ops-bad": `${H}${MEM}ops:\n${"  - { op: iov_iter_cuont, iter: a }\n".repeat(20000)}`,
  "many-dangling": `${H}${MEM}ops:\n${
    Array.from({ length: 6000 }, (_, i) => `  - { op: iov_iter_count, iter: it${i}x }\n`).join("")
  }`,
  "use-before-create": `${H}${MEM}ops:\n  - { op: iov_iter_advance, iter: it, bytes: 1 }\n`,
  "double-create": `${H}${MEM}ops:\n${PRELUDE}${PRELUDE}`,
  "free-twice": `${H}${MEM}ops:\n${PRELUDE}  - { op: free, var: it }\n  - { op: free, var: it }\n`,
  "use-after-free":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: free, var: it }\n  - { op: iov_iter_count, iter: it }\n`,
  "kfree-twice": `${H}${MEM}ops:\n  - { op: kfree, region: k }\n  - { op: kfree, region: k }\n`,
  "kfree-user": `${H}${MEM}ops:\n  - { op: kfree, region: u }\n`,
  "vfree-kmalloc": `${H}${MEM}ops:\n  - { op: vfree, region: k }\n`,
  "munmap-kernel": `${H}${MEM}ops:\n  - { op: munmap, region: k }\n`,
  "munmap-undeclared": `${H}${MEM}ops:\n  - { op: munmap, region: zz }\n`,
  "copy-after-kfree":
    `${H}${MEM}ops:\n  - { op: iov_iter_kvec, iter: a, dir: source, kvec: [{ base: k, len: 64 }] }\n  - { op: kfree, region: k }\n  - { op: copy_from_iter, iter: a, to: v, bytes: 64 }\n`,
  "copy-after-munmap":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: munmap, region: u }\n  - { op: copy_to_iter, iter: it, from: k, bytes: 64 }\n`,
  "unpin-unknown": `${H}${MEM}ops:\n  - { op: unpin_user_pages, pages: nothing }\n`,
  "unpin-twice":
    `${H}${MEM}ops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 8K }\n  - { op: iov_iter_extract_pages, iter: a, maxsize: 8K, maxpages: 4, as: p }\n  - { op: unpin_user_pages, pages: p }\n  - { op: unpin_user_pages, pages: p }\n`,
  "wrong-kind-var":
    `${H}${MEM}ops:\n  - { op: sg_alloc_table, sgt: s, nents: 4 }\n  - { op: iov_iter_count, iter: s }\n`,
  "expect-unknown-errno":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: iov_iter_count, iter: it, expect: { ret: "-EWHATEVER" } }\n`,
  "expect-bad-when":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: iov_iter_count, iter: it, expect: { ret: 1, when: ">=banana" } }\n`,
  "expect-when-empty":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: iov_iter_count, iter: it, expect: { ret: 1, when: "" } }\n`,
  "expect-warning-unknown":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: iov_iter_count, iter: it, expect: { warnings: [Pin_Leek] } }\n`,
  "expect-pages-junk":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: iov_iter_count, iter: it, expect: { pages: [{ page: 5, retention: glue }] } }\n`,
  "expect-memory-past":
    `${H}${MEM}ops:\n  - { op: expect, memory: [{ at: "k+0x3ff0", len: 64, pattern: zero }] }\n`,
  "expect-memory-huge":
    `${H}${MEM}ops:\n  - { op: expect, memory: [{ at: k, len: 1T, pattern: zero }] }\n`,
  "expect-memory-bytes-odd":
    `${H}${MEM}ops:\n  - { op: expect, memory: [{ at: k, len: 2, bytes: "abc" }] }\n`,
  "expect-memory-bytes-nonhex":
    `${H}${MEM}ops:\n  - { op: expect, memory: [{ at: k, len: 2, bytes: "zzzz" }] }\n`,
  "expect-iter-unknown": `${H}${MEM}ops:\n  - { op: expect, iter: { nosuch: { count: 1 } } }\n`,
  "op-when-bad": `${H}${MEM}ops:\n  - { op: iov_iter_discard, iter: a, count: 1, when: "<<6" }\n`,
  "eras-bad": `${H}eras: ">=banana"\nops: []\n`,
  "eras-empty-list": `${H}eras: []\nops: []\n`,
  "eras-inverted": `${H}eras: ">=7.0 <6.1"\nops: []\n`,
  "page-size-odd": `${H}page_size: 3000\nops: []\n`,
  "page-size-huge": `${H}page_size: 1T\nops: []\n`,
  "page-size-zero": `${H}page_size: 0\n${MEM}ops:\n${PRELUDE}`,
  "region-size-zero": `${H}memory: { user: [{ region: u, size: 0 }] }\nops: []\n`,
  "region-size-1P": `${H}memory: { user: [{ region: u, size: 1P }] }\nops: []\n`,
  "region-size-16E": `${H}memory: { user: [{ region: u, size: 16E }] }\nops: []\n`,
  "region-dup":
    `${H}memory: { user: [{ region: u, size: 4K }], kernel: [{ region: u, kind: kmalloc, size: 4K }] }\nops: []\n`,
  "region-addr-overlap":
    `${H}memory: { user: [{ region: u, size: 8K, addr: "0x10000" }, { region: w, size: 8K, addr: "0x11000" }] }\nops: []\n`,
  "region-addr-odd": `${H}memory: { user: [{ region: u, size: 8K, addr: "0x10001" }] }\nops: []\n`,
  "region-addr-top":
    `${H}memory: { user: [{ region: u, size: 8K, addr: "0xfffffffffffff000" }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 8K }\n  - { op: iov_iter_extract_pages, iter: a, maxsize: 8K, maxpages: 4, as: p }\n`,
  "region-addr-wrap":
    `${H}memory: { user: [{ region: u, size: 1T, addr: "0xffffff0000000000" }] }\nops: []\n`,
  "region-pfns-dup":
    `${H}memory: { kernel: [{ region: k, kind: page_alloc, size: 8K, pfns: [0x5000, 0x5000] }] }\nops: []\n`,
  "region-pfns-short":
    `${H}memory: { kernel: [{ region: k, kind: page_alloc, size: 8K, pfns: [0x5000] }] }\nops: []\n`,
  "region-pfns-negative":
    `${H}memory: { kernel: [{ region: k, kind: page_alloc, size: 4K, pfns: [-1] }] }\nops: []\n`,
  "region-pfns-huge":
    `${H}memory: { kernel: [{ region: k, kind: page_alloc, size: 4K, pfns: [0x10000000000000] }] }\nops: []\n`,
  "region-pfns-shared":
    `${H}memory: { kernel: [{ region: k, kind: page_alloc, size: 4K, pfns: [0x5000] }, { region: j, kind: page_alloc, size: 4K, pfns: [0x5000] }] }\nops: []\n`,
  "region-folio-order-30":
    `${H}memory: { user: [{ region: u, size: 8K, folio_order: 30 }] }\nops: []\n`,
  "region-folio-order-neg":
    `${H}memory: { user: [{ region: u, size: 8K, folio_order: -1 }] }\nops: []\n`,
  "region-vma-unknown": `${H}memory: { user: [{ region: u, size: 8K, vma: swap }] }\nops: []\n`,
  "region-prot-x": `${H}memory: { user: [{ region: u, size: 8K, prot: x }] }\nops: []\n`,
  "region-kind-unknown":
    `${H}memory: { kernel: [{ region: k, kind: kmallocx, size: 8K }] }\nops: []\n`,
  "region-fill-bad":
    `${H}memory: { user: [{ region: u, size: 8K, fill: { pattern: { random: "x" } } }] }\nops: []\n`,
  "region-fill-256M":
    `${H}memory: { user: [{ region: u, size: 256M, fill: { pattern: { random: 3 } } }] }\nops:\n  - { op: expect, memory: [{ at: u, len: 256M, pattern: { random: 3 } }] }\n`,
  "region-fill-256M-twice":
    `${H}memory: { user: [{ region: u, size: 256M, fill: index }, { region: w, size: 256M, fill: index }] }\nops: []\n`,
  "fill-ops-to-limit":
    `${H}memory: { kernel: [{ region: v, kind: vmalloc, size: 512M }] }\nops:\n  - { op: fill, at: v, len: 256M, pattern: { random: 1 } }\n  - { op: fill, at: "v+0x10000000", len: 256M, pattern: index }\n`,
  "fill-then-copy-256M":
    `${H}memory: { user: [{ region: u, size: 256M }], kernel: [{ region: v, kind: vmalloc, size: 256M }] }\nops:\n  - { op: fill, at: v, len: 256M, pattern: index_sum }\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 256M }\n  - { op: copy_to_iter, iter: a, from: v, bytes: 256M }\n`,
  "file-1P":
    `${H}memory: { files: [{ name: f, size: 1P }] }\nops:\n  - { op: iov_iter_xarray, iter: a, dir: dest, file: f, start: 0, count: 1T }\n  - { op: iov_iter_extract_pages, iter: a, maxsize: 1T, maxpages: 100000000, as: p }\n`,
  "file-folios-bad":
    `${H}memory: { files: [{ name: f, size: 16K, folios: [{ index: 0, order: 2 }, { index: 1, order: 0 }] }] }\nops: []\n`,
  "folioq-1P":
    `${H}kernel: "6.12"\nmemory: { files: [{ name: f, size: 1P }] }\nops:\n  - { op: iov_iter_folio_queue, iter: a, dir: dest, folios: f, count: 4096 }\n`,
  "pipe-zero": `${H}memory: { pipes: [{ name: p, max_usage: 0 }] }\nops: []\n`,
  "pipe-huge":
    `${H}kernel: "6.1"\nmemory: { pipes: [{ name: p, max_usage: 4294967296 }] }\nops:\n  - { op: iov_iter_pipe, iter: a, dir: dest, pipe: p, count: 1T }\n`,
  "tasks-dup": `${H}memory: { tasks: [{ name: a, user: [] }, { name: a, user: [] }] }\nops: []\n`,
  "tasks-and-user":
    `${H}memory: { user: [{ region: u, size: 4K }], tasks: [{ name: a, user: [{ region: u, size: 4K }] }] }\nops: []\n`,
  "sg-1G": `${H}ops:\n  - { op: sg_alloc_table, sgt: s, nents: 1073741824 }\n`,
  "extract-1T":
    `${H}memory: { user: [{ region: u, size: 1T }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 1T }\n  - { op: iov_iter_extract_pages, iter: a, maxsize: 1T, maxpages: 1000000000, as: p }\n`,
  "netfs-1T":
    `${H}memory: { user: [{ region: u, size: 1T }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 1T }\n  - { op: netfs_extract_user_iter, iter: a, len: 1T, as: n }\n`,
  "iovec-1M-segs":
    `${H}memory: { user: [{ region: u, size: 64K }] }\nops:\n  - { op: iov_iter_init, iter: a, dir: dest, iov: [${
      Array.from({ length: 2000 }, () => '{ base: "u", len: 1 }').join(", ")
    }] }\n`,
  "copy-1T":
    `${H}memory: { user: [{ region: u, size: 1T }], kernel: [{ region: v, kind: vmalloc, size: 1T }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 1T }\n  - { op: copy_to_iter, iter: a, from: v, bytes: 1T }\n`,
  "zero-1T":
    `${H}memory: { user: [{ region: u, size: 1T }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 1T }\n  - { op: iov_iter_zero, iter: a, bytes: 1T }\n`,
  "advance-1T":
    `${H}memory: { user: [{ region: u, size: 64K }] }\nops:\n  - { op: iov_iter_discard, iter: a, count: 1T }\n  - { op: iov_iter_advance, iter: a, bytes: 1T }\n  - { op: iov_iter_revert, iter: a, bytes: 1T }\n`,
  "revert-huge":
    `${H}${MEM}ops:\n${PRELUDE}  - { op: iov_iter_revert, iter: it, bytes: 18446744073709551615 }\n`,
  "bvec-past":
    `${H}${MEM}ops:\n  - { op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "k[3]", offset: 4000, len: 1M }] }\n  - { op: iov_iter_zero, iter: a, bytes: 1M }\n`,
  "bvec-4G":
    `${H}${MEM}ops:\n  - { op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "k[0]", offset: 0, len: 4294967295 }] }\n  - { op: iov_iter_extract_pages, iter: a, maxsize: 4294967295, maxpages: 1048576, as: p }\n`,
  "bvec-raw-pfn":
    `${H}${MEM}ops:\n  - { op: iov_iter_bvec, iter: a, dir: dest, bvec: [{ page: "pfn 0x123456789", offset: 0, len: 4096 }] }\n  - { op: iov_iter_zero, iter: a, bytes: 4096 }\n`,
  "bvecq-slot-past":
    `${H}kernel: "7.4"\n${MEM}ops:\n  - { op: iov_iter_bvec_queue, iter: q, dir: dest, count: 4096, slot: 9, queue: [{ bvec: [{ page: "k[0]", offset: 0, len: 4096 }] }] }\n`,
  "bvecq-count-lie":
    `${H}kernel: "7.4"\n${MEM}ops:\n  - { op: iov_iter_bvec_queue, iter: q, dir: dest, count: 1T, queue: [{ bvec: [{ page: "k[0]", offset: 0, len: 4096 }] }] }\n  - { op: iov_iter_zero, iter: q, bytes: 1T }\n`,
  "pipe-on-7":
    `${H}kernel: "7.0"\n${MEM}ops:\n  - { op: iov_iter_pipe, iter: a, dir: dest, pipe: p, count: 4096 }\n`,
  "extract-on-5":
    `${H}kernel: "5.15"\n${MEM}ops:\n${PRELUDE}  - { op: iov_iter_extract_pages, iter: it, maxsize: 4096, maxpages: 1, as: p }\n`,
  "io-uring-register-huge":
    `${H}${MEM}ops:\n  - { op: io_sqe_buffer_register, ring: r, bufs: [{ base: u, len: 1T }] }\n`,
  "glob-in-name": `itertrace: 1\nname: "***"\nops: []\n`,
  "description-huge": `${H}description: "${"d".repeat(5 * 2 ** 20)}"\nops: []\n`,
  "null-bytes-in-string": `${H}description: "a\\0b"\nops: []\n`,
  "lone-surrogate": `${H}description: "\\ud800"\nops: []\n`,
  "key-number": `${H}5: x\nops: []\n`,
  "key-complex": `${H}? [a, b]\n: c\nops: []\n`,
  "key-null": `${H}~: x\nops: []\n`,
  "op-list": `${H}ops:\n  - [iov_iter_count, a]\n`,
  "op-scalar": `${H}ops:\n  - iov_iter_count\n`,
  "op-name-number": `${H}ops:\n  - { op: 5 }\n`,
  "op-name-long": `${H}ops:\n  - { op: "${"x".repeat(8 * 2 ** 20)}" }\n`,
  "op-name-upper": `${H}${MEM}ops:\n  - { op: IOV_ITER_DISCARD, iter: a, count: 1 }\n`,
  "op-name-space": `${H}ops:\n  - { op: "iov_iter_discard " }\n`,
  "op-expect-null":
    `${H}${MEM}ops:\n  - { op: iov_iter_discard, iter: a, count: 1, expect: null }\n`,
  "op-id-dup":
    `${H}${MEM}ops:\n  - { op: iov_iter_discard, iter: a, count: 1, id: x }\n  - { op: iov_iter_discard, iter: b, count: 1, id: x }\n`,
  "trace-expect-bad": `${H}ops: []\nexpect: { pins: { acquired: -1 }, warnings: 5 }\n`,
  "syscall-return-unknown": `${H}${MEM}ops:\n  - { op: syscall_return, of: nothing }\n`,
  "io-complete-unknown": `${H}${MEM}ops:\n  - { op: io_complete, of: nothing }\n`,
  "fork-twice":
    `${H}${MEM}ops:\n  - { op: fork }\n  - { op: fork }\n  - { op: fork, task: nosuch }\n`,
};

function jsonForms(yamlText: string): { json?: string; jsonl?: string } {
  // the huge inputs are about size, which their YAML form already tests
  if (yamlText.length > 2 ** 20) return {};
  let doc: unknown;
  try {
    doc = parse(yamlText, { maxAliasCount: 100, logLevel: "silent" });
  } catch {
    return {};
  }
  let json: string;
  try {
    json = JSON.stringify(doc, null, 1);
  } catch {
    return {};
  }
  if (json === undefined || json.length > 20 * 2 ** 20) return {};
  const out: { json?: string; jsonl?: string } = { json };
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    const { ops, ...header } = doc as Record<string, unknown>;
    const lines = [JSON.stringify(header)];
    if (Array.isArray(ops)) { for (const op of ops) lines.push(JSON.stringify(op)); }
    out.jsonl = lines.join("\n") + "\n";
  }
  return out;
}

/** One trace in its three formats, each run with `cmd`. */
function traceCases(id: string, yamlText: string, cmd: string[]): TortureCase[] {
  const out: TortureCase[] = [
    {
      id: `${id}.yaml`,
      files: { "t.yaml": yamlText },
      argv: [...cmd, "t.yaml"],
      input: "t.yaml",
      pos: "auto",
    },
  ];
  const { json, jsonl } = jsonForms(yamlText);
  if (json !== undefined) {
    out.push({
      id: `${id}.json`,
      files: { "t.json": json },
      argv: [...cmd, "t.json"],
      input: "t.json",
      pos: "auto",
    });
  }
  if (jsonl !== undefined) {
    out.push({
      id: `${id}.jsonl`,
      files: { "t.jsonl": jsonl },
      argv: [...cmd, "t.jsonl"],
      input: "t.jsonl",
      pos: "auto",
    });
  }
  return out;
}

function substitutedTraces(): TortureCase[] {
  const out: TortureCase[] = [];
  for (const t of OP_TEMPLATES) {
    for (const [k, n] of NUMBERS.entries()) {
      // every template meets a few numbers each, rotating, so that all numbers meet all kinds
      if ((k + t.op.length) % 9 !== 0) continue;
      const text = `${H}kernel: "6.12"\n${MEM}ops:\n${PRELUDE}  - ${t.numbers.replace("$N", n)}\n`;
      out.push(...traceCases(`num/${t.op}/${k}`, text, ["replay", "-q"]).slice(0, k % 4 ? 1 : 3));
    }
    if (!t.names) continue;
    for (const [k, s] of NAMES.entries()) {
      if ((k + t.op.length) % 4 !== 0) continue;
      const text = `${H}kernel: "6.12"\n${MEM}ops:\n${PRELUDE}  - ${t.names.replace("$S", s)}\n`;
      out.push(...traceCases(`name/${t.op}/${k}`, text, ["replay", "-q"]).slice(0, 1 + k % 2));
    }
  }
  for (const [k, e] of ERAS.entries()) {
    out.push(
      ...traceCases(`era/header/${k}`, `${H}kernel: ${e}\nops: []\n`, ["replay", "-q"]).slice(0, 2),
    );
    out.push(...traceCases(`era/eras/${k}`, `${H}eras: [${e}]\nops: []\n`, ["check"]).slice(0, 1));
    out.push(
      ...traceCases(
        `era/when/${k}`,
        `${H}${MEM}ops:\n  - { op: iov_iter_discard, iter: a, count: 1, when: ${e} }\n`,
        ["validate"],
      ).slice(0, 1),
    );
  }
  for (const [k, n] of NUMBERS.entries()) {
    out.push(
      ...traceCases(
        `num/region-size/${k}`,
        `${H}memory: { user: [{ region: u, size: ${n} }] }\nops: []\n`,
        ["replay", "-q"],
      ).slice(0, 2),
    );
    out.push(
      ...traceCases(`num/itertrace/${k}`, `itertrace: ${n}\nname: t\nops: []\n`, ["validate"])
        .slice(0, 1),
    );
  }
  for (const [k, s] of NAMES.entries()) {
    out.push(
      ...traceCases(
        `name/region/${k}`,
        `${H}memory: { user: [{ region: ${s}, size: 4K }] }\nops: []\n`,
        ["replay", "-q"],
      ).slice(0, 2),
    );
    out.push(
      ...traceCases(`name/trace/${k}`, `itertrace: 1\nname: ${s}\nops: []\n`, ["check"]).slice(
        0,
        1,
      ),
    );
  }
  return out;
}

function structuralTraces(): TortureCase[] {
  const out: TortureCase[] = [];
  const cmds = [["replay", "-q"], ["validate"], ["check"], ["replay", "--state"], [
    "replay",
    "-f",
    "json",
  ]];
  let k = 0;
  for (const [name, text] of Object.entries(TRACES)) {
    // YAML for all; JSON and JSON Lines for every third
    const forms = traceCases(`trace/${name}`, text, cmds[k % cmds.length]);
    out.push(...(k++ % 3 === 0 ? forms : forms.slice(0, 1)));
  }
  return out;
}

/** JSON and JSON Lines specific: strictness, broken lines, huge lines. */
function jsonCases(): TortureCase[] {
  const raw: Record<string, [string, string]> = {
    "trailing-comma": ["t.json", '{"itertrace":1,"name":"t","ops":[],}\n'],
    "comment": ["t.json", '// hi\n{"itertrace":1,"name":"t","ops":[]}\n'],
    "single-quotes": ["t.json", "{'itertrace':1,'name':'t','ops':[]}\n"],
    "yaml-in-json": ["t.json", "itertrace: 1\nname: t\nops: []\n"],
    "nan": [
      "t.json",
      '{"itertrace":1,"name":"t","ops":[{"op":"iov_iter_discard","iter":"a","count":NaN}]}',
    ],
    "dup-keys": ["t.json", '{"itertrace":1,"name":"t","name":"u","ops":[]}'],
    "big-int": [
      "t.json",
      '{"itertrace":1,"name":"t","memory":{"user":[{"region":"u","size":123456789012345678901234567890}]},"ops":[]}',
    ],
    "two-values": ["t.json", '{"itertrace":1,"name":"t","ops":[]}\n{"x":1}\n'],
    "empty": ["t.json", ""],
    "whitespace": ["t.json", "  \n\n "],
    "array": ["t.json", "[1,2,3]"],
    "unterminated": ["t.json", '{"itertrace":1,"name":"t","ops":[{"op":"x"'],
    "deep": [
      "t.json",
      `{"itertrace":1,"name":"t","x":${"[".repeat(100000)}${"]".repeat(100000)},"ops":[]}`,
    ],
    "escape-bad": ["t.json", '{"itertrace":1,"name":"t\\q","ops":[]}'],
    "utf8-bad": ["t.json", '{"itertrace":1,"name":"t\udcff","ops":[]}'],
    "jsonl-empty": ["t.jsonl", ""],
    "jsonl-blank": ["t.jsonl", "\n\n\n"],
    "jsonl-header-array": ["t.jsonl", "[1]\n"],
    "jsonl-header-bad": [
      "t.jsonl",
      '{"itertrace":2,"name":"t"}\n{"op":"iov_iter_discard","iter":"a","count":1}\n',
    ],
    "jsonl-op-array": ["t.jsonl", '{"itertrace":1,"name":"t"}\n[1,2]\n'],
    "jsonl-op-garbage": ["t.jsonl", '{"itertrace":1,"name":"t"}\n{"op": iov}\n'],
    "jsonl-op-two": [
      "t.jsonl",
      '{"itertrace":1,"name":"t"}\n{"op":"iov_iter_discard","iter":"a","count":1}{"op":"x"}\n',
    ],
    "jsonl-pretty": ["t.jsonl", '{\n"itertrace":1,\n"name":"t"\n}\n'],
    "jsonl-yaml": ["t.jsonl", "itertrace: 1\nname: t\n"],
    "jsonl-crlf": [
      "t.jsonl",
      '{"itertrace":1,"name":"t"}\r\n{"op":"iov_iter_discard","iter":"a","count":"x"}\r\n',
    ],
    "jsonl-bom": ["t.jsonl", '\ufeff{"itertrace":1,"name":"t"}\n{"op":"nosuch"}\n'],
    "jsonl-no-newline": [
      "t.jsonl",
      '{"itertrace":1,"name":"t"}\n{"op":"iov_iter_discard","iter":"a","count":1}',
    ],
    "jsonl-many-bad": [
      "t.jsonl",
      '{"itertrace":1,"name":"t"}\n' + '{"op":"iov_iter_cuont"}\n'.repeat(50000),
    ],
    "jsonl-many-dangling": [
      "t.jsonl",
      '{"itertrace":1,"name":"t"}\n' +
      Array.from({ length: 20000 }, (_, i) => `{"op":"iov_iter_count","iter":"x${i}y"}\n`).join(""),
    ],
    "jsonl-long-line": [
      "t.jsonl",
      `{"itertrace":1,"name":"t"}\n{"op":"iov_iter_discard","iter":"a","count":1,"x":"${
        "y".repeat(30 * 2 ** 20)
      }"}\n`,
    ],
    "jsonl-long-garbage": ["t.jsonl", `{"itertrace":1,"name":"t"}\n${"[".repeat(10 * 2 ** 20)}\n`],
    "jsonl-10k-ops": [
      "t.jsonl",
      '{"itertrace":1,"name":"t","memory":{"user":[{"region":"u","size":"64K"}]}}\n' +
      Array.from(
        { length: 10000 },
        (_, i) => `{"op":"iov_iter_discard","iter":"a${i}","count":${i}}\n`,
      ).join(""),
    ],
    "jsonl-header-ops": ["t.jsonl", '{"itertrace":1,"name":"t","ops":[{"op":"x"}]}\n'],
    "ext-yml": ["t.yml", `${H}ops: [{ op: nosuch }]\n`],
    "ext-none": ["t", `${H}ops: [{ op: nosuch }]\n`],
    "ext-txt": ["t.txt", `${H}ops: [{ op: nosuch }]\n`],
    "ext-upper": ["t.YAML", `${H}ops: [{ op: nosuch }]\n`],
  };
  const out: TortureCase[] = [];
  let k = 0;
  for (const [name, [file, text]] of Object.entries(raw)) {
    const cmd = [["validate"], ["replay", "-q"], ["check"]][k++ % 3];
    out.push({
      id: `json/${name}`,
      files: { [file]: text },
      argv: [...cmd, file],
      input: file,
      pos: "auto",
    });
  }
  return out;
}

/** Encodings and binary files. */
function encodingCases(): TortureCase[] {
  const text = `${H}ops: [{ op: nosuch }]\n`;
  const enc = (s: string, le: boolean, wide: 2 | 4, bom: boolean) => {
    const units = [...(bom ? "\ufeff" : ""), ...s].map((c) => c.codePointAt(0)!);
    const b = new Uint8Array(units.length * wide);
    const dv = new DataView(b.buffer);
    units.forEach((u, i) => wide === 2 ? dv.setUint16(i * 2, u, le) : dv.setUint32(i * 4, u, le));
    return b;
  };
  const rnd = (n: number, seed: number) => {
    const b = new Uint8Array(n);
    let x = seed;
    for (let i = 0; i < n; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    return b;
  };
  const bins: Record<string, Uint8Array> = {
    "utf16le-bom": enc(text, true, 2, true),
    "utf16be-bom": enc(text, false, 2, true),
    "utf16le": enc(text, true, 2, false),
    "utf32le-bom": enc(text, true, 4, true),
    "utf32be": enc(text, false, 4, false),
    "latin1": new Uint8Array([
      ...new TextEncoder().encode(`${H}description: "`),
      0xe9,
      0x22,
      0x0a,
      ...new TextEncoder().encode("ops: []\n"),
    ]),
    "overlong-utf8": new Uint8Array([
      ...new TextEncoder().encode(`${H}description: "`),
      0xc0,
      0xaf,
      0x22,
      0x0a,
      ...new TextEncoder().encode("ops: []\n"),
    ]),
    "random-1k": rnd(1024, 1),
    "random-1M": rnd(2 ** 20, 2),
    "nul-in-middle": new Uint8Array([
      ...new TextEncoder().encode(`${H}ops: [`),
      0,
      ...new TextEncoder().encode("]\n"),
    ]),
    "gzip-magic": new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]),
    "zstd-magic": new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]),
    "elf": new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]),
    "xz-magic": new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]),
  };
  const out: TortureCase[] = [];
  let k = 0;
  for (const [name, data] of Object.entries(bins)) {
    for (const ext of ["yaml", "jsonl"]) {
      const f = `t.${ext}`;
      const cmd = [["validate"], ["replay", "-q"], ["check"]][k++ % 3];
      out.push({
        id: `enc/${name}.${ext}`,
        files: {},
        setup: [{ bytes: f, data }],
        argv: [...cmd, f],
        input: f,
        pos: "auto",
      });
    }
  }
  return out;
}

const GOOD =
  `${H}memory: { user: [{ region: u, size: 8K }] }\nops:\n  - { op: iov_iter_ubuf, iter: a, dir: dest, addr: u, len: 4K, expect: { ret: 4K } }\n`;
const FAILING = `${H}ops:\n  - { op: iov_iter_discard, iter: a, count: 1, expect: { ret: 2 } }\n`;

/** File-system situations: each input path meets directories, FIFOs, devices, links. */
function fsCases(): TortureCase[] {
  const c = (
    id: string,
    argv: string[],
    extra: Partial<TortureCase> = {},
  ): TortureCase => ({ id: `fs/${id}`, files: { "t.yaml": GOOD }, argv, pos: "none", ...extra });
  const out: TortureCase[] = [];
  for (
    const cmd of [
      ["validate"],
      ["replay", "-q"],
      ["check"],
      ["report", "-o", "r.html"],
      ["export", "kunit", "-k", "6.12"],
      ["import", "strace"],
      ["import", "bpftrace"],
    ]
  ) {
    const n = cmd.join("-");
    out.push(c(`${n}/dir`, [...cmd, "d.yaml"], { setup: [{ mkdir: "d.yaml" }] }));
    out.push(c(`${n}/fifo`, [...cmd, "x.yaml"], { setup: [{ fifo: "x.yaml" }] }));
    out.push(c(`${n}/dev-zero`, [...cmd, "/dev/zero"]));
    out.push(c(`${n}/dev-null`, [...cmd, "/dev/null"]));
    out.push(c(`${n}/missing`, [...cmd, "nope.yaml"]));
    out.push(
      c(`${n}/dangling-link`, [...cmd, "l.yaml"], {
        setup: [{ symlink: "l.yaml", to: "gone.yaml" }],
      }),
    );
    out.push(c(`${n}/link-loop`, [...cmd, "a.yaml"], {
      setup: [{ symlink: "a.yaml", to: "b.yaml" }, { symlink: "b.yaml", to: "a.yaml" }],
    }));
    out.push(c(`${n}/proc-self`, [...cmd, "/proc/self/status"]));
    out.push(c(`${n}/long-name`, [...cmd, `${"n".repeat(300)}.yaml`]));
    out.push(c(`${n}/empty-arg`, [...cmd, ""]));
    out.push(c(`${n}/dash`, [...cmd, "-"]));
  }
  // check over folders with hostile members
  out.push(c("check-dir/fifo-member", ["check", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ fifo: "d/x.yaml" }],
  }));
  out.push(c("validate-dir/fifo-member", ["validate", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ fifo: "d/x.yaml" }],
  }));
  out.push(c("check-dir/link-loop", ["check", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ symlink: "d/loop", to: "." }],
  }));
  out.push(c("check-dir/golden-is-dir", ["check", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ mkdir: "d/a.yaml.expected" }],
  }));
  out.push(c("check-dir/golden-is-fifo", ["check", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ fifo: "d/a.yaml.expected" }],
  }));
  out.push(c("check-dir/golden-binary", ["check", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ bytes: "d/a.yaml.expected", data: new Uint8Array([0, 1, 2, 255]) }],
  }));
  out.push(c("check-dir/same-names", ["check", "d"], {
    files: { "d/a.yaml": GOOD, "d/b.yaml": GOOD },
  }));
  out.push(c("check-dir/empty", ["check", "d"], { setup: [{ mkdir: "d" }] }));
  out.push(c("check-dir/deep", ["check", "d"], {
    files: { [`d/${Array.from({ length: 60 }, () => "x").join("/")}/a.yaml`]: GOOD },
  }));
  out.push(c("check/update-readonly", ["check", "--update", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ immutable: "d" }],
  }));
  out.push(c("check/update-golden-readonly", ["check", "--update", "d"], {
    files: { "d/a.yaml": GOOD, "d/a.yaml.expected": "stale\n" },
    setup: [{ immutable: "d/a.yaml.expected" }],
  }));
  out.push(c("check/update-failing", ["check", "--update", "d"], {
    files: { "d/a.yaml": FAILING, "d/a.yaml.expected": "kept\n" },
  }));
  out.push(c("check/update-golden-dir", ["check", "--update", "d"], {
    files: { "d/a.yaml": GOOD },
    setup: [{ mkdir: "d/a.yaml.expected/x" }],
  }));
  out.push(c("check/update-golden-link", ["check", "--update", "d"], {
    files: { "d/a.yaml": GOOD, "keep.txt": "precious\n" },
    setup: [{ symlink: "d/a.yaml.expected", to: "../keep.txt" }],
    mayChange: [],
  }));
  // -o: every command that writes
  const writers: [string, string[]][] = [
    ["report", ["report", "t.yaml"]],
    ["import-bt", ["import", "bpftrace", "cap.bt.txt"]],
    ["import-strace", ["import", "strace", "cap.strace.txt"]],
    ["export", ["export", "kunit", "-k", "6.12", "t.yaml"]],
  ];
  const cap = {
    "cap.bt.txt":
      "# itertrace-capture v2 clock=monotonic_ns\n1 10 10 openat dfd=4294967196 flags=0x4000 comm=dd\n1 10 10 path /data.bin\n1 10 10 ret 3\n2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "cap.strace.txt":
      '10  1.0 openat(AT_FDCWD</>, "/data.bin", O_RDWR|O_DIRECT) = 3</data.bin> <0.1>\n10  1.1 pwrite64(3</data.bin>, ""..., 4096, 0) = 4096 <0.1>\n',
  };
  for (const [n, argv] of writers) {
    const files = { "t.yaml": GOOD, ...cap };
    const input = argv[argv.length - 1];
    out.push(c(`o/${n}/self`, [...argv, "-o", input], { files }));
    out.push(c(`o/${n}/self-force`, [...argv, "-o", input, "--force"], { files }));
    out.push(c(`o/${n}/self-dotslash`, [...argv, "-o", `./${input}`, "--force"], { files }));
    out.push(c(`o/${n}/self-link`, [...argv, "-o", "l.out", "--force"], {
      files,
      setup: [{ symlink: "l.out", to: input }],
    }));
    out.push(c(`o/${n}/self-hardlink`, [...argv, "-o", "h.out", "--force"], {
      files,
      setup: [{ hardlink: "h.out", to: input }],
      mayChange: ["h.out"],
    }));
    out.push(c(`o/${n}/existing`, [...argv, "-o", "old.out"], {
      files: { ...files, "old.out": "precious\n" },
    }));
    out.push(c(`o/${n}/existing-force`, [...argv, "-o", "old.out", "--force"], {
      files: { ...files, "old.out": "replace me\n" },
      mayChange: ["old.out"],
    }));
    out.push(c(`o/${n}/missing-parent`, [...argv, "-o", "no/such/dir/x.out"], { files }));
    out.push(c(`o/${n}/dir`, [...argv, "-o", "d"], { files, setup: [{ mkdir: "d" }] }));
    out.push(c(`o/${n}/readonly-dir`, [...argv, "-o", "ro/x.out"], {
      files,
      setup: [{ mkdir: "ro" }, { immutable: "ro" }],
    }));
    out.push(c(`o/${n}/readonly-file`, [...argv, "-o", "ro.out", "--force"], {
      files: { ...files, "ro.out": "locked\n" },
      setup: [{ immutable: "ro.out" }],
    }));
    out.push(c(`o/${n}/dev-full`, [...argv, "-o", "/dev/full", "--force"], { files }));
    out.push(c(`o/${n}/proc`, [...argv, "-o", "/proc/version", "--force"], { files }));
    // (-o onto a FIFO with no reader blocks in open(2), as `cat > fifo` does: not a case)
    out.push(c(`o/${n}/empty`, [...argv, "-o", ""], { files }));
    out.push(c(`o/${n}/long`, [...argv, "-o", `${"o".repeat(300)}.out`], { files }));
    out.push(c(`o/${n}/parent-is-file`, [...argv, "-o", "t.yaml/x.out"], { files }));
  }
  return out;
}

/** Capture lines the importers must reject with their line number, or skip with a reason. */
function importerCases(): TortureCase[] {
  const bt = (body: string) =>
    `# itertrace-capture v2 clock=monotonic_ns filter=dd\n1 10 10 openat dfd=4294967196 flags=0x4000 comm=dd\n1 10 10 path /data.bin\n1 10 10 ret 3\n${body}`;
  const btLines: Record<string, string> = {
    "base-zz": "2 10 10 pwrite64 fd=3 base=0xZZ len=0x1000 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "len-400": `2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=${
      "9".repeat(400)
    } pos=0 comm=dd\n2 10 10 ret 4096\n`,
    "len-2^64":
      "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0xffffffffffffffff pos=0 comm=dd\n2 10 10 ret 4096\n",
    "len-neg": "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=-5 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "pos-neg":
      "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=-4096 comm=dd\n2 10 10 ret 4096\n",
    "base-top":
      "2 10 10 pwrite64 fd=3 base=0xfffffffffffff000 len=0x2000 pos=0 comm=dd\n2 10 10 ret 8192\n",
    "base-kernel":
      "2 10 10 pwrite64 fd=3 base=0xffff888000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "ret-garbage":
      "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret banana\n",
    "ret-bigger":
      "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret 99999999\n",
    "ret-missing": "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n",
    "ret-orphan": "2 10 10 ret 4096\n2 10 10 ret 4096\n",
    "fields-missing": "2 10 10 pwrite64 fd=3 comm=dd\n2 10 10 ret 4096\n",
    "field-dup":
      "2 10 10 pwrite64 fd=3 fd=4 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "unknown-event": "2 10 10 frobnicate x=1\n2 10 10 ret 0\n",
    "pid-garbage":
      "2 ten 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "time-garbage": "x 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n",
    "short-line": "2\n",
    "iovcnt-huge": "2 10 10 pwritev fd=3 vlen=4294967295 pos=0 comm=dd\n2 10 10 ret 4096\n",
    "iov-without-call": "2 10 10 iov base=0x7f0000000000 len=0x1000\n",
    "sqe-huge":
      "2 10 10 sqe req=0xffff888104972700 opcode=23 fd=3 addr=0x7f0000000000 len=0xffffffff pos=0 buf_index=0 sqe_flags=0x0 comm=dd\n",
    "sqe-opcode-bad":
      "2 10 10 sqe req=0x1 opcode=999 fd=3 addr=0x7f0000000000 len=0x1000 pos=0 buf_index=0 sqe_flags=0x0 comm=dd\n",
    "register-huge":
      "2 10 10 io_uring_register fd=4 opcode=0 nr_args=4294967295 comm=dd\n2 10 10 ret 0\n",
    "path-slash-name":
      "2 10 10 openat dfd=4294967196 flags=0x4000 comm=dd\n2 10 10 path /a/b/../../c\n2 10 10 ret 4\n",
    "many-calls": Array.from(
      { length: 20000 },
      (_, i) =>
        `${i + 5} 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=${i * 4096} comm=dd\n${
          i + 5
        } 10 10 ret 4096\n`,
    ).join(""),
    "many-fds": Array.from(
      { length: 5000 },
      (_, i) =>
        `${i + 5} 10 10 openat dfd=4294967196 flags=0x4000 comm=dd\n${i + 5} 10 10 path /f${i}\n${
          i + 5
        } 10 10 ret ${i + 10}\n${i + 5} 10 10 pwrite64 fd=${
          i + 10
        } base=0x7f0000000000 len=0x1000 pos=0 comm=dd\n${i + 5} 10 10 ret 4096\n`,
    ).join(""),
    "huge-pos":
      "2 10 10 pwrite64 fd=3 base=0x7f0000000000 len=0x1000 pos=18446744073709551615 comm=dd\n2 10 10 ret 4096\n",
    "header-missing": "",
  };
  const st = (body: string) =>
    `10  1.0 openat(AT_FDCWD</>, "/data.bin", O_RDWR|O_DIRECT) = 3</data.bin> <0.1>\n${body}`;
  const stLines: Record<string, string> = {
    "len-400": `10  1.1 pwrite64(3</data.bin>, ""..., ${"9".repeat(400)}, 0) = 4096 <0.1>\n`,
    "len-neg": '10  1.1 pwrite64(3</data.bin>, ""..., -1, 0) = 4096 <0.1>\n',
    "ret-huge": `10  1.1 pwrite64(3</data.bin>, ""..., 4096, 0) = ${"9".repeat(40)} <0.1>\n`,
    "ret-error": '10  1.1 pwrite64(3</data.bin>, ""..., 4096, 0) = -1 EFAULT (Bad address) <0.1>\n',
    "unfinished": '10  1.1 pwrite64(3</data.bin>, ""..., 4096, 0 <unfinished ...>\n',
    "resumed-orphan": "10  1.2 <... pwrite64 resumed>) = 4096 <0.1>\n",
    "unfinished-pairs": Array.from(
      { length: 5000 },
      (_, i) =>
        `${10 + (i % 7)}  1.${i} pwrite64(3</data.bin>, ""..., 4096, ${
          i * 4096
        } <unfinished ...>\n${10 + (i % 7)}  1.${i} <... pwrite64 resumed>) = 4096 <0.1>\n`,
    ).join(""),
    "iov-bad":
      "10  1.1 pwritev(3</data.bin>, [{iov_base=0xZZ, iov_len=4096}], 1, 0) = 4096 <0.1>\n",
    "iov-count-lie":
      "10  1.1 pwritev(3</data.bin>, [{iov_base=0x7f0000000000, iov_len=4096}], 4294967295, 0) = 4096 <0.1>\n",
    "iov-nested": `10  1.1 pwritev(3</data.bin>, ${"[".repeat(10000)}, 1, 0) = 4096 <0.1>\n`,
    "quote-unclosed": '10  1.1 openat(AT_FDCWD, "/data.bin, O_RDWR|O_DIRECT) = 4 <0.1>\n',
    "signal":
      "10  1.1 --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---\n10  1.2 +++ killed by SIGSEGV +++\n",
    "pid-missing": 'pwrite64(3</data.bin>, ""..., 4096, 0) = 4096\n',
    "garbage": "\u0000\u0001 garbage ((((( \n",
    "many-calls": Array.from(
      { length: 30000 },
      (_, i) => `10  1.${i} pwrite64(3</data.bin>, ""..., 4096, ${i * 4096}) = 4096 <0.1>\n`,
    ).join(""),
    "io-uring-setup-huge": "10  1.1 io_uring_setup(4294967295, {}) = 4 <0.1>\n",
    "mmap-huge":
      "10  1.1 mmap(NULL, 18446744073709551615, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0000000000 <0.1>\n",
    "vmsplice-bad":
      "10  1.1 vmsplice(5, [{iov_base=0x7f0000000000, iov_len=-1}], 1, 0) = 4096 <0.1>\n",
    "splice-huge": "10  1.1 splice(3, [0], 5, NULL, 18446744073709551615, 0) = 4096 <0.1>\n",
  };
  const out: TortureCase[] = [];
  let k = 0;
  for (const [n, body] of Object.entries(btLines)) {
    const extra = [[], ["-f", "jsonl"], ["--path", "netfs"], ["--contiguous"]][k++ % 4];
    const o = extra.includes("jsonl") ? "out.jsonl" : "out.yaml";
    out.push({
      id: `import/bt/${n}`,
      files: { "cap.bt.txt": n === "header-missing" ? "" : bt(body) },
      argv: ["import", "bpftrace", "cap.bt.txt", ...extra, "-o", o],
      input: "cap.bt.txt",
      pos: "auto",
      then: ["validate", o],
    });
  }
  for (const [n, body] of Object.entries(stLines)) {
    const extra = [[], ["-f", "jsonl"], ["--path", "netfs"], ["--assume-direct"]][k++ % 4];
    const o = extra.includes("jsonl") ? "out.jsonl" : "out.yaml";
    out.push({
      id: `import/strace/${n}`,
      files: { "cap.strace.txt": st(body) },
      argv: ["import", "strace", "cap.strace.txt", ...extra, "-o", o],
      input: "cap.strace.txt",
      pos: "auto",
      then: ["validate", o],
    });
  }
  // syzkaller programs (import syz)
  const syz: Record<string, string> = {
    "unbalanced": "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./file0\\x00', 0x4002, 0x0\n",
    "unclosed-string": "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./file0, 0x4002, 0x0)\n",
    "hex-400": `r0 = openat(0x${"f".repeat(400)}, &(0x7f0000000040)='./file0\\x00', 0x4002, 0x0)\n`,
    "unknown-resource": 'write(r9, &(0x7f0000000000)="00", 0x1)\n',
    "resource-twice":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\nr0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./g\\x00', 0x4002, 0x0)\nwrite(r0, &(0x7f0000000000)=\"00\", 0x1)\n",
    "deep": `write(0x3, &(0x7f0000000000)=${"{".repeat(100000)}${"}".repeat(100000)}, 0x1)\n`,
    "deep-array": `write(0x3, &(0x7f0000000000)=${"[".repeat(50000)}${"]".repeat(50000)}, 0x1)\n`,
    "addr-top":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\nwrite(r0, &(0xfffffffffffff000)=\"00\", 0x2000)\n",
    "len-2^64":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\nwrite(r0, &(0x7f0000000000)=\"00\", 0xffffffffffffffff)\n",
    "read-1T":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\nread(r0, &(0x7f0000000000/0x10000000000)=nil, 0x10000000000)\n",
    "readv-count-lie":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\nreadv(r0, &(0x7f0000000000)=[{&(0x7f0000001000)=\"\"/4096, 0x1000}], 0xffffffff)\n",
    "vmsplice-many":
      `pipe(&(0x7f0000000000)={<r0=>0xffffffffffffffff, <r1=>0xffffffffffffffff})\nvmsplice(r1, &(0x7f0000001000)=[${
        Array.from({ length: 20000 }, (_, i) =>
          `{&(0x7f0000100000)="00", 0x${(i % 4096 + 1).toString(16)}}`).join(", ")
      }], 0x4e20, 0x0)\n`,
    "many-calls": "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\n" +
      'pwrite64(r0, &(0x7f0000001000)="00", 0x1000, 0x0)\n'.repeat(20000),
    "bad-escape": 'write(0x1, &(0x7f0000000000)="\\xZZ", 0x1)\n',
    "odd-hex-data": 'write(0x1, &(0x7f0000000000)="abc", 0x1)\n',
    "no-parens": "openat\n",
    "assign-nothing": "r0 = \n",
    "call-props":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0) (fail_nth: 5, async, rerun: 99999999999)\nwrite(r0, &(0x7f0000000000)=\"00\", 0x1) (fail_nth: -1)\n",
    "union-unknown": "write(0x1, &(0x7f0000000000)=@nosuch={0x1, @x=0x2}, 0x1)\n",
    "ptr-size-neg": "write(0x1, &(0x7f0000000000/-0x1000)=nil, 0x1)\n",
    "wrapped-broken": "r0 = openat(0xffffffffffffff9c,\n&(0x7f0000000040)='./f\\x00',\n",
    "only-comments": "# nothing here\n# at all\n",
    "empty": "",
    "crlf":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='./f\\x00', 0x4002, 0x0)\r\nwrite(r0, &(0x7f0000000000)=\"00\", 0x1)\r\n",
    "io-uring-huge":
      'r0 = syz_io_uring_setup(0xffffffff, &(0x7f0000000080)={0x0, 0x0, 0x1}, &(0x7f00000a0000)=nil, &(0x7f0000ffc000/0x1000)=nil, &(0x7f0000000000)=<r1=>0x0, &(0x7f0000000140)=<r2=>0x0)\nsyz_io_uring_submit(r1, r2, &(0x7f0000000100)=@IORING_OP_WRITE={0x17, 0x0, 0x0, @fd=0x3, 0x0, &(0x7f0000000200)="e2", 0xffffffffffffffff}, 0xffffffff)\nio_uring_enter(r0, 0xffffffff, 0x0, 0x0, 0x0, 0x0)\n',
    "register-huge":
      'r0 = syz_io_uring_setup(0x4, &(0x7f0000000080), &(0x7f00000a0000)=nil, &(0x7f0000ffc000/0x1000)=nil, &(0x7f0000000000), &(0x7f0000000140))\nio_uring_register$IORING_REGISTER_BUFFERS(r0, 0x0, &(0x7f0000000000)=[{&(0x7f0000001000)=""/4096, 0xffffffffffffffff}], 0xffffffff)\n',
    "name-slash":
      "r0 = openat(0xffffffffffffff9c, &(0x7f0000000040)='../../etc/passwd\\x00', 0x4002, 0x0)\nwrite(r0, &(0x7f0000000000)=\"00\", 0x1)\n",
  };
  let j = 0;
  for (const [n, text] of Object.entries(syz)) {
    const extra = [[], ["-f", "jsonl"], ["--path", "netfs"], ["--contiguous"]][j++ % 4];
    out.push({
      id: `import/syz/${n}`,
      files: { "p.syz": text },
      argv: [
        "import",
        "syz",
        "p.syz",
        ...extra,
        "-o",
        extra.includes("jsonl") ? "o.jsonl" : "o.yaml",
      ],
      input: "p.syz",
      pos: "auto",
      then: ["validate", extra.includes("jsonl") ? "o.jsonl" : "o.yaml"],
    });
  }
  // the wrong importer for the file
  out.push({
    id: "import/strace-as-bt",
    files: { "c.txt": st('10  1.1 pwrite64(3</data.bin>, ""..., 4096, 0) = 4096 <0.1>\n') },
    argv: ["import", "bpftrace", "c.txt"],
    input: "c.txt",
    pos: "auto",
  });
  out.push({
    id: "import/bt-as-strace",
    files: { "c.txt": bt("") },
    argv: ["import", "strace", "c.txt"],
    input: "c.txt",
    pos: "auto",
  });
  out.push({
    id: "import/trace-as-capture",
    files: { "c.yaml": GOOD },
    argv: ["import", "strace", "c.yaml"],
    input: "c.yaml",
    pos: "auto",
  });
  // the imported trace must itself validate: import then validate in one shell-free step is
  // not possible here; the importer's own output is judged by the mutation runs
  return out;
}

/** Command lines: unknown commands and options, bad values, contradictions. */
function argvCases(): TortureCase[] {
  const files = { "t.yaml": GOOD, "f.yaml": FAILING };
  const list: string[][] = [
    [],
    ["nosuch"],
    ["REPLAY", "t.yaml"],
    ["replay"],
    ["replay", "t.yaml", "extra"],
    ["replay", "--nosuch", "t.yaml"],
    ["replay", "-k", "99.9", "t.yaml"],
    ["replay", "-k", "2.6", "t.yaml"],
    ["replay", "-k", "", "t.yaml"],
    ["replay", "-k", "6.12.999", "t.yaml"],
    ["replay", "-k", "latest", "-k", "6.1", "t.yaml"],
    ["replay", "--from", "5", "--to", "2", "t.yaml"],
    ["replay", "--from", "-1", "t.yaml"],
    ["replay", "--from", "abc", "t.yaml"],
    ["replay", "--from", "99999999999999999999", "t.yaml"],
    ["replay", "--to", "1e3", "t.yaml"],
    ["replay", "--from", "100", "t.yaml"],
    ["replay", "--fail-on", "fatal", "t.yaml"],
    ["replay", "--fail-on", "", "t.yaml"],
    ["replay", "-f", "pdf", "t.yaml"],
    ["replay", "-f", "", "t.yaml"],
    ["replay", "-q", "--state", "t.yaml"],
    ["replay", "-f", "json", "--state", "t.yaml"],
    ["check"],
    ["check", "--filter", "NO-SUCH*", "."],
    ["check", "--filter", "", "."],
    ["check", "--filter", "*".repeat(2000), "."],
    ["check", "--filter", `${"*a".repeat(500)}b`, "."],
    ["check", "--filter", "[a-", "."],
    ["check", "--filter", "(.*)+$", "."],
    ["check", "-k", "99", "."],
    ["check", "-f", "junit", "-k", "6.1", "."],
    ["check", "-f", "xml", "."],
    ["check", "--fail-on", "warn", "."],
    ["check", ".", "."],
    ["check", "t.yaml", "t.yaml"],
    ["check", "f.yaml"],
    ["validate"],
    ["validate", ".", "t.yaml", "nope"],
    ["explain", "NOPE"],
    ["explain", "Pin_Leak"],
    ["explain", "pin_leak", "extra"],
    ["explain", ""],
    ["explain", "x".repeat(100000)],
    ["ops", "NOPE"],
    ["ops", "IOV_ITER_INIT"],
    ["ops", "-f", "yaml"],
    ["eras", "nosuchfn"],
    ["eras", ""],
    ["eras", "-f", "csv"],
    ["schema", "extra"],
    ["completions"],
    ["completions", "tcsh"],
    ["completions", "bash", "zsh"],
    ["export"],
    ["export", "kunit"],
    ["export", "kunit", "-k", "5.4", "t.yaml"],
    ["export", "kunit", "-k", "6.12", "--random", "-1"],
    ["export", "kunit", "-k", "6.12", "--random", "1e9"],
    ["export", "kunit", "-k", "6.12", "--random", "99999999999"],
    ["export", "kunit", "-k", "6.12", "--random", "abc"],
    ["export", "kunit", "-k", "6.12", "--random", "3", "--seed", "x"],
    ["export", "kunit", "-k", "6.12", "--random", "3", "--seed", "-1"],
    ["export", "kunit", "-k", "6.12", "--random", "3", "--seed", "9".repeat(50)],
    ["export", "kunit", "-k", "6.12", "f.yaml"],
    ["export", "nosuch"],
    ["compare", "t.yaml"],
    ["compare", "-k", "6.1", "t.yaml"],
    ["compare", "-k", "6.1", "-k", "6.1", "t.yaml"],
    ["compare", "-k", "6.1", "-k", "6.12", "-k", "7.0", "t.yaml"],
    ["compare", "t.yaml", "f.yaml", "t.yaml"],
    ["compare", "t.yaml", "f.yaml"],
    ["compare", "-f", "md", "t.yaml", "f.yaml"],
    ["compare", "-k", "99", "-k", "6.1", "t.yaml"],
    ["report", "t.yaml"],
    ["report", "-o", "r.html", "-k", "nope", "t.yaml"],
    ["report", "-o", "r.html", "f.yaml"],
    ["lab", "nope.yaml"],
    ["lab", "-k", "99", "t.yaml"],
    ["lab", "-f", "xml"],
    ["lab", "t.yaml"],
    ["import"],
    ["import", "ftrace", "t.yaml"],
    ["import", "strace"],
    ["import", "strace", "t.yaml", "--path", "bogus"],
    ["import", "strace", "t.yaml", "--pid", "abc"],
    ["import", "strace", "t.yaml", "--pid", "-1"],
    ["import", "strace", "t.yaml", "--fd", "99999999999999999999"],
    ["import", "strace", "t.yaml", "-k", "2.6"],
    ["import", "strace", "t.yaml", "-f", "xml"],
    ["import", "strace", "t.yaml", "--name", "a/b"],
    ["import", "strace", "t.yaml", "--name", ""],
    ["import", "strace", "t.yaml", "--name", "x".repeat(10000)],
    ["--version", "extra"],
    ["-V"],
    ["help", "nosuch"],
    ["replay", "--", "--weird.yaml"],
    // (a NUL cannot be passed in argv at all: execve stops at it)
    ["replay", "t.yaml\n"],
    ["live", "--help"],
  ];
  return list.map((argv, k) => ({
    id: `argv/${k}-${argv.slice(0, 3).join("_").slice(0, 40)}`,
    files,
    argv,
    pos: "none" as const,
  }));
}

/** Environment: the limits variable. */
function envCases(): TortureCase[] {
  const values = [
    "",
    "garbage",
    "page_data=0",
    "page_data=-1",
    "page_data=99999999999999999999G",
    "nosuch=1",
    "page_data=1K",
    "op_name=1",
    "suggest_work=1",
    "file_bytes=1",
    "sg_entries=1,extract_pages=1",
    "folioq_folios=9007199254740993",
    "page_data=1G,page_data=2G",
  ];
  return values.map((v, k) => ({
    id: `env/${k}`,
    files: { "t.yaml": GOOD },
    argv: ["replay", "-q", "t.yaml"],
    env: { ITERTRACE_LIMITS: v },
    pos: "none" as const,
  }));
}

/** Every hand-written case. */
export function handCases(): TortureCase[] {
  return [
    ...structuralTraces(),
    ...substitutedTraces(),
    ...jsonCases(),
    ...encodingCases(),
    ...fsCases(),
    ...importerCases(),
    ...argvCases(),
    ...envCases(),
  ];
}
