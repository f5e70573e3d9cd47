/**
 * A long JSON Lines trace for measuring the report and replay at scale: a loop of direct
 * reads, each built as a UBUF extraction that is unpinned, or an IOVEC turned into a bio that
 * is released, over a 1 MiB buffer. Names are re-used, as a captured workload's are.
 *
 * @module
 */

/** The trace text with exactly `steps` ops (the last iteration may be cut short). */
export function longTrace(steps: number): string {
  const lines = [
    JSON.stringify({
      itertrace: 1,
      name: `long-${steps}`,
      description: "a loop of direct reads: UBUF extractions and IOVEC bios, released each time",
      kernel: "6.18",
      memory: { user: [{ region: "buf", vma: "anon", prot: "rw", size: "1M", populated: true }] },
    }),
  ];
  for (let k = 0; lines.length <= steps; k++) {
    const off = (k * 0x1100) % 0xf0000;
    if (k % 2 === 0) {
      lines.push(
        JSON.stringify({
          op: "iov_iter_ubuf",
          iter: "u",
          dir: "dest",
          addr: `buf+0x${off.toString(16)}`,
          len: 0x3000,
        }),
        JSON.stringify({
          op: "iov_iter_extract_pages",
          iter: "u",
          maxsize: 0x3000,
          maxpages: 8,
          as: "p",
        }),
        JSON.stringify({ op: "io_complete", of: "p" }),
        JSON.stringify({ op: "unpin_user_pages_dirty_lock", pages: "p", dirty: true }),
        JSON.stringify({ op: "free", var: "p" }),
        JSON.stringify({ op: "free", var: "u" }),
      );
    } else {
      lines.push(
        JSON.stringify({
          op: "import_iovec",
          iter: "v",
          dir: "dest",
          iov: [{ base: `buf+0x${off.toString(16)}`, len: 0x1000 }, {
            base: `buf+0x${(off + 0x8000).toString(16)}`,
            len: 0x200,
          }],
        }),
        JSON.stringify({
          op: "bio_iov_iter_get_pages",
          iter: "v",
          bio: "b",
          max_vecs: 256,
          lbs: 512,
        }),
        JSON.stringify({ op: "io_complete", of: "b" }),
        JSON.stringify({ op: "bio_release_pages", bio: "b", dirty: true }),
        JSON.stringify({ op: "free", var: "b" }),
        JSON.stringify({ op: "free", var: "v" }),
      );
    }
  }
  return lines.slice(0, steps + 1).join("\n") + "\n";
}
