/**
 * VDC question/answer sets (data/vdc/<set>.jsonl from rese1f/aurora post_eval/, see data/vdc/SOURCE.md):
 * one `{ "<video_id>": [{question, answer, category}] }` per line. A video id on several lines keeps the
 * last line, as the official `tp_gt_qa_dict.update(data)` does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { VDC_QA_SETS, type VdcQaSet } from '../../core/eval/vdc';

export interface VdcQa {
  question: string;
  answer: string;
  category: string;
}

export interface VdcClip {
  /** "vdc/<video_id>". */
  id: string;
  videoId: string;
  qas: VdcQa[];
}

export function defaultVdcPath(qaSet: VdcQaSet): string {
  return fileURLToPath(new URL(`../../data/vdc/${qaSet}.jsonl`, import.meta.url));
}

const qaSchema = z.object({ question: z.string(), answer: z.string(), category: z.string().default('') });
const lineSchema = z.record(z.string().min(1), z.array(qaSchema).min(1, 'a video needs at least one question'));

/** Parses a VDC QA file; throws naming the line and field that is wrong. */
export function parseVdc(text: string, source = 'VDC QA file'): VdcClip[] {
  const byId = new Map<string, VdcClip>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new Error(`${source} line ${i + 1}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${source} line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
    for (const [videoId, qas] of Object.entries(parsed.data)) {
      byId.delete(videoId); // keep file order of the last occurrence
      byId.set(videoId, { id: `vdc/${videoId}`, videoId, qas });
    }
  }
  return [...byId.values()];
}

export function loadVdc(qaSet: VdcQaSet, path?: string): VdcClip[] {
  if (!(VDC_QA_SETS as readonly string[]).includes(qaSet)) throw new Error(`unknown VDC QA set "${qaSet}" (known: ${VDC_QA_SETS.join(', ')})`);
  const file = path ?? defaultVdcPath(qaSet);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read VDC ${qaSet} QA file at ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseVdc(text, file);
}
