/**
 * The curate launch form's state (strings, as typed) → a validated CurateConfig, with errors keyed
 * by the same names the server uses ("config.duration.minSec"). Pure; unit-tested.
 */
import { curateConfigSchema, type CurateConfig } from '../../core/curation/config';

export interface CurateFormState {
  name: string;
  sourceKind: 'folder' | 'dataset';
  videoDir: string;
  captionsPath: string;
  dataset: string;
  minSec: string;
  maxSec: string;
  rule: 'threshold' | 'top-share';
  threshold: string;
  topSharePercent: string;
  pairs: string;
  analysisWidth: string;
  order: 'dynamicity-desc' | 'input' | 'shuffle';
  targetSize: string;
  actionKey: 'verb' | 'phrase';
  datasetName: string;
}

export function initialCurateForm(): CurateFormState {
  const d = curateConfigSchema.parse({ source: { kind: 'folder', videoDir: '-', captionsPath: '-' } });
  return {
    name: '',
    sourceKind: 'folder',
    videoDir: '',
    captionsPath: '',
    dataset: '',
    minSec: String(d.duration.minSec),
    maxSec: String(d.duration.maxSec),
    rule: d.dynamicity.rule,
    threshold: String(d.dynamicity.threshold),
    topSharePercent: String(d.dynamicity.topShare * 100),
    pairs: String(d.dynamicity.measure.pairs),
    analysisWidth: String(d.dynamicity.measure.analysisWidth),
    order: d.actionFilter.order,
    targetSize: String(d.actionFilter.targetSize),
    actionKey: d.actionFilter.actionKey,
    datasetName: '',
  };
}

function num(s: string): number {
  return s.trim() === '' ? NaN : Number(s);
}

/** The config the form describes, or the errors by field key ("name", "config.…"). */
export function buildCurateConfig(s: CurateFormState): { ok: true; name: string; config: CurateConfig } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!s.name.trim()) errors.name = 'name is required';
  const raw = {
    source: s.sourceKind === 'folder' ? { kind: 'folder', videoDir: s.videoDir.trim(), captionsPath: s.captionsPath.trim() } : { kind: 'dataset', dataset: s.dataset.trim() },
    duration: { minSec: num(s.minSec), maxSec: num(s.maxSec) },
    dynamicity: {
      rule: s.rule,
      threshold: num(s.threshold),
      topShare: num(s.topSharePercent) / 100,
      measure: { pairs: num(s.pairs), analysisWidth: num(s.analysisWidth) },
    },
    actionFilter: { order: s.order, targetSize: num(s.targetSize), actionKey: s.actionKey },
    output: s.datasetName.trim() ? { datasetName: s.datasetName.trim() } : {},
  };
  const r = curateConfigSchema.safeParse(raw);
  if (!r.success) for (const i of r.error.issues) errors[`config.${i.path.join('.')}`] ??= i.message;
  if (Object.keys(errors).length || !r.success) return { ok: false, errors };
  return { ok: true, name: s.name.trim(), config: r.data };
}

/**
 * The form's fields from a curate run's name and stored config (`/curate?clone=<runId>`): name +
 * " (clone)", every stage's settings; the output dataset name is left empty (it must be new). Null
 * when the config is not a readable curation config.
 */
export function curateFormFromConfig(name: string, config: unknown): CurateFormState | null {
  const r = curateConfigSchema.safeParse(config);
  if (!r.success) return null;
  const c = r.data;
  return {
    ...initialCurateForm(),
    name: `${name} (clone)`,
    sourceKind: c.source.kind,
    videoDir: c.source.kind === 'folder' ? c.source.videoDir : '',
    captionsPath: c.source.kind === 'folder' ? c.source.captionsPath : '',
    dataset: c.source.kind === 'dataset' ? c.source.dataset : '',
    minSec: String(c.duration.minSec),
    maxSec: String(c.duration.maxSec),
    rule: c.dynamicity.rule,
    threshold: String(c.dynamicity.threshold),
    topSharePercent: String(c.dynamicity.topShare * 100),
    pairs: String(c.dynamicity.measure.pairs),
    analysisWidth: String(c.dynamicity.measure.analysisWidth),
    order: c.actionFilter.order,
    targetSize: String(c.actionFilter.targetSize),
    actionKey: c.actionFilter.actionKey,
    datasetName: '',
  };
}
