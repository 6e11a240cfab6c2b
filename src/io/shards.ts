import type { DatasetSource, RawBlock, RowPass } from './dataset.ts';
import { checkRows } from './dataset.ts';
import { fail } from './errors.ts';

/**
 * Several activation files of the same width read as one dataset, in the given order (e.g.
 * `acts_000.npy`, `acts_001.npy`, …). Reads that span a boundary are split and joined; shards
 * may differ in dtype. 3-D shards keep `positions` when every shard has the same.
 */
export function concatShards(parts: readonly DatasetSource[]): DatasetSource {
  if (parts.length === 0) fail('shards', 'shards/empty', 'no files given');
  const width = parts[0].width;
  for (const p of parts) {
    if (p.width !== width) {
      fail(
        p.describe().split(':')[0],
        'shards/width-mismatch',
        `width ${p.width} differs from ${width} in ${parts[0].describe()}; shards must have the same width`,
      );
    }
  }
  if (parts.length === 1) return parts[0];
  const starts: number[] = [];
  let rows = 0;
  for (const p of parts) {
    starts.push(rows);
    rows += p.rows;
  }
  const positions = parts[0].positions;
  const same3d = positions !== undefined && parts.every((p) => p.positions === positions);
  const name = `${parts.length} shards`;

  // Visits the (part, local start, count) pieces covering rows [start, start + count).
  const pieces = (start: number, count: number): [DatasetSource, number, number][] => {
    checkRows(name, rows, start, count);
    const out: [DatasetSource, number, number][] = [];
    let i = starts.findLastIndex((s) => s <= start);
    let at = start;
    const end = start + count;
    while (at < end && i < parts.length) {
      const local = at - starts[i];
      const n = Math.min(end - at, parts[i].rows - local);
      if (n > 0) out.push([parts[i], local, n]);
      at += n;
      i++;
    }
    return out;
  };

  const src: DatasetSource = {
    rows,
    width,
    bytesPerRow: Math.max(...parts.map((p) => p.bytesPerRow)),
    describe: () =>
      `${name}, ${rows} rows × ${width}: ${parts.map((p) => p.describe()).join('; ')}`,
    async readRows(start, count) {
      const out = new Float32Array(count * width);
      let at = 0;
      for (const [p, s, n] of pieces(start, count)) {
        out.set(await p.readRows(s, n), at);
        at += n * width;
      }
      return out;
    },
    async readBlocks(start, count, into) {
      const ps = pieces(start, count);
      // Within one shard the reusable buffer is passed on. Across a boundary each piece reads
      // its own: a read into `into` may detach it, which would invalidate the previous piece.
      if (ps.length === 1) return ps[0][0].readBlocks(ps[0][1], ps[0][2], into);
      const out: RawBlock[] = [];
      for (const [p, s, n] of ps) out.push(...(await p.readBlocks(s, n)));
      return out;
    },
  };
  // A pass runs each shard's own pass in turn (one stream per shard), opened when reached.
  if (parts.every((p) => p.openPass)) {
    src.openPass = (start, end) => {
      checkRows(name, rows, start, end - start);
      let at = start;
      let open: { i: number; pass: RowPass } | undefined;
      const passOf = (i: number, local: number): RowPass => {
        if (open?.i !== i) {
          open?.pass.close();
          const stop = Math.min(parts[i].rows, end - starts[i]);
          open = { i, pass: parts[i].openPass!(local, stop) };
        }
        return open.pass;
      };
      return {
        async next(count, into) {
          const ps = pieces(at, count);
          at += count;
          const i0 = parts.indexOf(ps[0][0]);
          // Within one shard the buffer is passed on; across a boundary each piece reads its own
          // (a read into `into` may detach it, which would invalidate the previous piece).
          if (ps.length === 1) return passOf(i0, ps[0][1]).next(count, into);
          const out: RawBlock[] = [];
          for (const [p, s, n] of ps) out.push(...(await passOf(parts.indexOf(p), s).next(n)));
          return out;
        },
        close: () => open?.pass.close(),
      };
    };
  }
  if (same3d) {
    return Object.assign(src, {
      sequences: parts.reduce((a, p) => a + (p.sequences ?? 0), 0),
      positions,
    });
  }
  return src;
}
