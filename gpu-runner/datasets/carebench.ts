/**
 * CAREBENCH annotations in the official schema (a JSON list of `{video, caption, spatial_caption,
 * temporal_caption, category, subcategory}`, optionally `events` / `objects`; MCG-NJU/CaReBench
 * `json/metadata.json` on the Hugging Face hub). The repository ships only a small SYNTHETIC file of that
 * schema (data/carebench/sample.json, see its SOURCE.md); pass the real file with `--annotations`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export interface CarebenchClip {
  /** "carebench/<video>". */
  id: string;
  video: string;
  reference: string;
  /** Human events / objects when the record has them; null → extracted from `reference` by the judge. */
  events: string[] | null;
  objects: string[] | null;
  category: string | null;
  subcategory: string | null;
}

export const DEFAULT_CAREBENCH_PATH = fileURLToPath(new URL('../../data/carebench/sample.json', import.meta.url));
/** How the shipped file is labelled wherever its numbers appear (defined in core/results/coverage.ts, which marks such numbers in the results tables). */
export { CAREBENCH_SAMPLE_LABEL } from '../../core/results/coverage';

const recordSchema = z.object({
  video: z.union([z.string().min(1), z.number()]).transform((v) => String(v)),
  caption: z.string(),
  category: z.string().nullish(),
  subcategory: z.string().nullish(),
  events: z.array(z.string()).nullish(),
  objects: z.array(z.string()).nullish(),
});

export function parseCarebench(text: string, source = 'CAREBENCH annotations'): CarebenchClip[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  // metadata.json is a list; a {"<id>": record} map is accepted too.
  const list: unknown[] = Array.isArray(json) ? json : json && typeof json === 'object' ? Object.entries(json).map(([k, v]) => ({ video: k, ...(v as object) })) : [];
  if (list.length === 0) throw new Error(`${source}: expected a non-empty JSON list of {video, caption, …}`);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const r = recordSchema.safeParse(item);
    if (!r.success) throw new Error(`${source} record ${i}: ${r.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
    if (seen.has(r.data.video)) throw new Error(`${source} record ${i}: video "${r.data.video}" appears twice`);
    seen.add(r.data.video);
    return {
      id: `carebench/${r.data.video}`,
      video: r.data.video,
      reference: r.data.caption,
      events: r.data.events ?? null,
      objects: r.data.objects ?? null,
      category: r.data.category ?? null,
      subcategory: r.data.subcategory ?? null,
    };
  });
}

export function loadCarebench(path?: string): CarebenchClip[] {
  const file = path ?? DEFAULT_CAREBENCH_PATH;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read CAREBENCH annotations at ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseCarebench(text, file);
}
