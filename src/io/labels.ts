/**
 * Feature labels and notes a person writes on the feature pages, as a JSON document: kept with the
 * run in the browser's private storage (src/session/labels.ts), written as `labels.json` beside
 * a SAELens export and into the codes file's metadata. Pure: no DOM, no storage.
 *
 *   { "format": "softsae-labels", "version": 1, "run_id": "run-3",
 *     "features": [ { "feature": 12, "label": "closing bracket", "note": "…" }, … ] }
 *
 * Features are listed in increasing index; a feature whose label and note are both empty is not
 * listed. Text is the person's own and is stored as typed (JSON escapes it); readers must treat
 * it as text.
 */

export interface FeatureLabel {
  label: string;
  note: string;
}

/** Labels of one run by feature index. */
export type FeatureLabels = Readonly<Record<number, FeatureLabel>>;

export const LABELS_FORMAT = 'softsae-labels';
/** Where the app keeps a run's labels in its private storage: `labels/<runId>.json`. */
export const LABELS_DIR = 'labels';
export const labelsFileName = (runId: string) => `${runId}.json`;
/** Longest label and note kept (characters); longer text is cut, not refused. */
export const MAX_LABEL = 200;
export const MAX_NOTE = 4000;

const isEmpty = (l: FeatureLabel | undefined) => !l || (l.label === '' && l.note === '');

/** The labels as a list, by increasing feature, empty entries left out. */
export function labelEntries(labels: FeatureLabels): ({ feature: number } & FeatureLabel)[] {
  return Object.keys(labels)
    .map(Number)
    .filter((j) => !isEmpty(labels[j]))
    .sort((a, b) => a - b)
    .map((feature) => ({ feature, label: labels[feature].label, note: labels[feature].note }));
}

/** The labels document (see the file comment), pretty-printed. */
export function encodeLabels(runId: string, labels: FeatureLabels): string {
  const doc = { format: LABELS_FORMAT, version: 1, run_id: runId, features: labelEntries(labels) };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * Reads a labels document. Throws on anything that is not one (wrong format, a feature that is
 * not a non-negative integer, a label or note that is not a string); text is cut to the limits.
 */
export function decodeLabels(text: string): {
  runId: string;
  labels: Record<number, FeatureLabel>;
} {
  const doc = JSON.parse(text) as unknown;
  if (!doc || typeof doc !== 'object') throw new Error('labels: not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== LABELS_FORMAT) throw new Error(`labels: format is not '${LABELS_FORMAT}'`);
  if (d.version !== 1) throw new Error(`labels: version ${String(d.version)} is not supported`);
  if (typeof d.run_id !== 'string') throw new Error('labels: run_id is not a string');
  if (!Array.isArray(d.features)) throw new Error('labels: features is not a list');
  const labels: Record<number, FeatureLabel> = {};
  for (const e of d.features as unknown[]) {
    const f = e as Record<string, unknown>;
    if (!f || !Number.isInteger(f.feature) || (f.feature as number) < 0)
      throw new Error(`labels: bad feature index ${JSON.stringify(f?.feature)}`);
    if (typeof f.label !== 'string' || typeof f.note !== 'string')
      throw new Error(`labels: feature ${f.feature as number} needs a string label and note`);
    labels[f.feature as number] = cleanLabel({ label: f.label, note: f.note });
  }
  return { runId: d.run_id, labels };
}

/** A label as kept: cut to {@link MAX_LABEL} / {@link MAX_NOTE} characters. */
export function cleanLabel(l: FeatureLabel): FeatureLabel {
  return { label: l.label.slice(0, MAX_LABEL), note: l.note.slice(0, MAX_NOTE) };
}

/** Case-insensitive: does the feature's label or note contain `query`? */
export function labelMatches(l: FeatureLabel | undefined, query: string): boolean {
  if (!l || query === '') return false;
  const q = query.toLowerCase();
  return l.label.toLowerCase().includes(q) || l.note.toLowerCase().includes(q);
}
