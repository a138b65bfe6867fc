import type { SpanLabel } from '../../core/compare/spans';

/** Colours of the labels (the paper's figures: red hallucination, green accurate, highlighted unique detail). */
export const LABEL_COLORS: Record<SpanLabel, { line: string; bg: string; chip: string }> = {
  hallucination: { line: '#dc2626', bg: 'rgba(220, 38, 38, 0.10)', chip: 'bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-200' },
  accurate: { line: '#16a34a', bg: 'rgba(22, 163, 74, 0.10)', chip: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-200' },
  unique: { line: '#ca8a04', bg: 'rgba(250, 204, 21, 0.45)', chip: 'bg-yellow-100 text-yellow-900 dark:bg-yellow-900/40 dark:text-yellow-100' },
  note: { line: '#2563eb', bg: 'rgba(37, 99, 235, 0.08)', chip: 'bg-blue-100 text-blue-800 dark:bg-blue-900/40 dark:text-blue-200' },
};

export function labelColor(label: string) {
  return LABEL_COLORS[label as SpanLabel] ?? LABEL_COLORS.note;
}
