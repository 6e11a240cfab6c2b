/**
 * Per-token sparse codes as `.safetensors`, for auto-interpretation pipelines:
 *   locations    I64 [N, 3]  (sequence, position, feature) of each nonzero code, row-major order
 *   activations  F32 [N]     the code values
 *   tokens       U8  [bytes] every row's token text in UTF-8, concatenated (empty when unknown)
 *   token_offsets I64 [rows + 1]  row r's text is tokens[token_offsets[r] … token_offsets[r+1])
 * Token strings are stored as bytes plus offsets because safetensors has no string dtype; in
 * Python: `bytes(t["tokens"][o[r]:o[r+1]]).decode()`. Rows without a sequence layout are
 * (sequence = row, position = 0). `__metadata__` records d_sae, rows and this description, and
 * with labels `feature_labels`: the labels document of src/io/labels.ts as a JSON string.
 */
import { writeSafetensors } from '../safetensors-write.ts';
import { encodeLabels, type FeatureLabels } from '../labels.ts';

export interface CodesInput {
  rows: number;
  F: number;
  /** CSR of the codes: row r's entries are col/val[rowPtr[r] … rowPtr[r + 1]). */
  rowPtr: ArrayLike<number>;
  col: ArrayLike<number>;
  val: ArrayLike<number>;
  /** Sequence and position of each row (both or neither). */
  seq?: ArrayLike<number>;
  pos?: ArrayLike<number>;
  /** Token text per row. */
  tokens?: readonly string[];
  /** Free-form provenance (model source, dataset name). */
  about?: string;
  /** The run's feature labels and notes. */
  labels?: { runId: string; labels: FeatureLabels };
}

export const CODES_DESCRIPTION =
  'locations [N,3] = (sequence, position, feature) int64; activations [N] float32; ' +
  'tokens = UTF-8 bytes of every row concatenated, token_offsets [rows+1] int64 delimit row r';

export function writeCodes(c: CodesInput): Uint8Array<ArrayBuffer> {
  const n = c.rowPtr[c.rows];
  const loc = new BigInt64Array(3 * n);
  const act = new Float32Array(n);
  for (let r = 0; r < c.rows; r++) {
    const s = BigInt(c.seq ? c.seq[r] : r);
    const p = BigInt(c.pos ? c.pos[r] : 0);
    for (let i = c.rowPtr[r]; i < c.rowPtr[r + 1]; i++) {
      loc[3 * i] = s;
      loc[3 * i + 1] = p;
      loc[3 * i + 2] = BigInt(c.col[i]);
      act[i] = c.val[i];
    }
  }
  const enc = new TextEncoder();
  const parts = (c.tokens ?? []).map((t) => enc.encode(t));
  const offsets = new BigInt64Array(c.rows + 1);
  let total = 0;
  for (let r = 0; r < c.rows; r++) {
    total += parts[r]?.length ?? 0;
    offsets[r + 1] = BigInt(total);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return writeSafetensors(
    [
      { name: 'locations', dtype: 'I64', shape: [n, 3], data: loc },
      { name: 'activations', dtype: 'F32', shape: [n], data: act },
      { name: 'tokens', dtype: 'U8', shape: [total], data: bytes },
      { name: 'token_offsets', dtype: 'I64', shape: [c.rows + 1], data: offsets },
    ],
    {
      format: 'softsae-codes',
      d_sae: String(c.F),
      rows: String(c.rows),
      description: CODES_DESCRIPTION,
      ...(c.about ? { about: c.about } : {}),
      ...(c.labels ? { feature_labels: encodeLabels(c.labels.runId, c.labels.labels) } : {}),
    },
  );
}
