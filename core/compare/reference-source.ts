/**
 * Which caption sources are a benchmark's reference ("Human") rather than a model. The multi-model
 * DREAM-1K explorer format lists the reference as a model named "Human"; `videocap import-captions`
 * (importCaptions), evaluation uploads (uploadPredictions) and the caption analysis all use these
 * checks so the reference never becomes a model's captions. Pure.
 */

/** Model names in multi-model files that are the benchmark's own reference, not a model (shown as the reference instead). */
export const REFERENCE_MODELS: ReadonlySet<string> = new Set(['human', 'reference', 'gt', 'ground truth']);

/** Whether a model name in a captions file is the benchmark's reference ("Human", "GT", …; any case). */
export function isReferenceModel(name: string | null | undefined): boolean {
  return !!name && REFERENCE_MODELS.has(name.trim().toLowerCase());
}

/**
 * Whether a stored caption source holds reference captions: kind "reference", or a model named as the
 * reference — also sources uploaded before uploads skipped it (model unset, name "Human · dream-1k · …").
 */
export function isReferenceSource(s: { kind: string; model?: string | null; name: string }): boolean {
  return s.kind === 'reference' || isReferenceModel(s.model ?? s.name.split(' · ')[0]);
}
