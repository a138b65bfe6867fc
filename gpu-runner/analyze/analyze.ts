/**
 * The analysis of one caption (issue 13, automatic highlighting) with the evaluation's own judge steps
 * (gpu-runner/eval/scorers.ts `extract` / `entail`: the JudgeClient with its cache and retries, and
 * the strict reply parsers of core/judge-reply.ts), so a red span is exactly a claim the evaluation's
 * precision side counts as a miss:
 *  1. claims: events extracted with the DREAM-1K (Tarsier) prompt — or CaReBench's variant for a
 *     CAREBENCH clip — and, except on DREAM-1K clips (whose AutoDQ scores events only), objects with
 *     CaReBench's object extraction prompt (core/eval/autodq.ts);
 *  2. each claim judged against the clip's reference: the reference caption as the evaluation's
 *     precision step uses it (lowercased); a clip without a reference caption is judged against its
 *     human events and objects joined into sentences;
 *  3. entailed claims judged again against the baseline source's caption of the same clip, when one
 *     is chosen: not entailed there → a unique detail;
 *  4. labels and caption spans (core/compare/analysis.ts `labelClaims`).
 */
import { buildEventExtractionPrompt, buildObjectExtractionPrompt } from '../../core/eval/autodq';
import { labelClaims, type AnalysisClaim, type AnalysisItem, type JudgedClaim } from '../../core/compare/analysis';
import type { JudgeClient } from '../providers/judge-client';
import { entail, extract } from '../eval/scorers';

/** The description claims are judged against (see the module comment, step 2). */
export function referenceDescription(item: Pick<AnalysisItem, 'reference'>): string {
  const r = item.reference;
  if (r.caption.trim()) return r.caption.toLowerCase();
  return [...r.events, ...r.objects].map((s) => s.replace(/\.?\s*$/, '.')).join(' ').toLowerCase();
}

export async function analyzeCaption(client: JudgeClient, item: AnalysisItem): Promise<AnalysisClaim[]> {
  const text = item.text;
  if (!text.trim()) return [];
  const variant = item.benchmark === 'carebench' ? 'carebench' : 'tarsier';
  const withObjects = item.benchmark !== 'dream-1k';
  const [events, objects] = await Promise.all([
    extract(client, 'event extraction from the caption', buildEventExtractionPrompt(text, variant), 'events'),
    withObjects ? extract(client, 'object extraction from the caption', buildObjectExtractionPrompt(text), 'objects') : Promise.resolve([] as string[]),
  ]);
  const description = referenceDescription(item);
  const [ev, ob] = await Promise.all([
    entail(client, 'events vs reference', description, events, 'events'),
    entail(client, 'objects vs reference', description, objects, 'objects'),
  ]);
  const judged: JudgedClaim[] = [
    ...ev.judged.map((j) => ({ kind: 'event' as const, claim: j.item, relationship: j.relationship as JudgedClaim['relationship'], reason: j.reason, baselineRelationship: null })),
    ...ob.judged.map((j) => ({ kind: 'object' as const, claim: j.item, relationship: j.relationship as JudgedClaim['relationship'], reason: j.reason, baselineRelationship: null })),
  ];
  if (item.baseline) {
    const base = item.baseline.text.toLowerCase();
    const entailedEvents = judged.filter((j) => j.kind === 'event' && j.relationship === 'entailment');
    const entailedObjects = judged.filter((j) => j.kind === 'object' && j.relationship === 'entailment');
    const [be, bo] = await Promise.all([
      entail(client, 'events vs baseline caption', base, entailedEvents.map((j) => j.claim), 'events'),
      entail(client, 'objects vs baseline caption', base, entailedObjects.map((j) => j.claim), 'objects'),
    ]);
    entailedEvents.forEach((j, i) => (j.baselineRelationship = be.judged[i].relationship as JudgedClaim['relationship']));
    entailedObjects.forEach((j, i) => (j.baselineRelationship = bo.judged[i].relationship as JudgedClaim['relationship']));
  }
  return labelClaims(text, judged);
}
