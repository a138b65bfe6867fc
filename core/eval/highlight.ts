/**
 * Where a judged item (an event or object) sits in a caption, for marking it in the text on the clip
 * page. Extracted events paraphrase the caption, so there is no exact span: each item is mapped to the
 * caption sentence sharing the most content lemmas with it (core/lexical.ts), if any. Pure.
 */
import { contentLemmas } from '../lexical';

export interface SentenceSpan {
  start: number;
  end: number;
  /** Indices of the items mapped to this sentence. */
  items: number[];
}

/** Sentence spans of `text` (split after . ! ? followed by whitespace) with the items that fall in each. */
export function mapItemsToSentences(text: string, items: readonly string[]): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const re = /[^.!?]+(?:[.!?]+|$)/g;
  for (let m = re.exec(text); m !== null && m[0].length > 0; m = re.exec(text)) {
    const lead = m[0].length - m[0].trimStart().length;
    spans.push({ start: m.index + lead, end: m.index + m[0].trimEnd().length, items: [] });
  }
  const lemmas = spans.map((s) => new Set(contentLemmas(text.slice(s.start, s.end))));
  items.forEach((item, i) => {
    const want = contentLemmas(item);
    let best = -1;
    let bestHits = 0;
    lemmas.forEach((set, k) => {
      const hits = want.filter((l) => set.has(l)).length;
      if (hits > bestHits) {
        best = k;
        bestHits = hits;
      }
    });
    if (best >= 0 && bestHits / Math.max(1, want.length) >= 0.5) spans[best].items.push(i);
  });
  return spans;
}
