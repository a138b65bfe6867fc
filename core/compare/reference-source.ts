/**
 * Which caption sources are a benchmark's reference ("Human") rather than a model. The multi-model
 * DREAM-1K explorer format lists the reference as a model named "Human"; the name rule is
 * core/eval/predictions.ts isReferenceModel (imports, uploads and `videocap eval` skip it there); this
 * module adds the check on stored sources that the caption analysis uses. Pure.
 */

import { isReferenceModel } from '../eval/predictions';

export { isReferenceModel, REFERENCE_MODELS } from '../eval/predictions';

/**
 * Whether a stored caption source holds reference captions: kind "reference", or a model named as the
 * reference — also sources uploaded before uploads skipped it (model unset, name "Human · dream-1k · …").
 */
export function isReferenceSource(s: { kind: string; model?: string | null; name: string }): boolean {
  return s.kind === 'reference' || isReferenceModel(s.model ?? s.name.split(' · ')[0]);
}
