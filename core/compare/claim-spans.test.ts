import { describe, expect, it } from 'vitest';
import { labelForVerdict, mapClaimToSpan, mapClaimsToSpans, sentenceRanges } from './claim-spans';

const TEXT = 'A tall man slowly opens the wooden door, then he walks outside. A small dog barks loudly at him while a woman watches from the window.';
const slice = (s: { start: number; end: number } | null) => (s ? TEXT.slice(s.start, s.end) : null);

describe('mapClaimToSpan', () => {
  it('maps a paraphrased event to the smallest span covering its content words in its best sentence', () => {
    // "opens"/"open", "door" matched; "the"/"a" are function words; "tall" and "wooden" are outside the window.
    expect(slice(mapClaimToSpan(TEXT, 'the man opens a door'))).toBe('man slowly opens the wooden door');
    expect(slice(mapClaimToSpan(TEXT, 'A woman watches from the window'))).toBe('woman watches from the window');
  });

  it('matches lemmas and synonym groups, not only surface forms', () => {
    // "barking" → bark, "puppy" → dog (synonym group of core/lexical.ts)
    expect(slice(mapClaimToSpan(TEXT, 'a puppy barking'))).toBe('dog barks');
    // "gazes" is in the "look" group with "watches"
    expect(slice(mapClaimToSpan(TEXT, 'the lady gazes out of the window'))).toBe('woman watches from the window');
  });

  it('maps an object claim to its noun phrase', () => {
    expect(slice(mapClaimToSpan(TEXT, 'wooden door'))).toBe('wooden door');
    expect(slice(mapClaimToSpan(TEXT, 'small dog'))).toBe('small dog');
  });

  it('returns null when less than half of the content words occur in any sentence', () => {
    expect(mapClaimToSpan(TEXT, 'a cat sleeps on a sofa')).toBeNull();
    expect(mapClaimToSpan('', 'a man')).toBeNull();
  });

  it('reports coverage and the sentence, with offsets into the original string (UTF-16)', () => {
    const text = '🎬 Intro. Un café — the man drinks coffee quickly.';
    const s = mapClaimToSpan(text, 'man drinks coffee');
    expect(s).not.toBeNull();
    expect(text.slice(s!.start, s!.end)).toBe('man drinks coffee');
    expect(s!.coverage).toBe(1);
    expect(text.slice(s!.sentenceStart, s!.sentenceEnd)).toBe('Un café — the man drinks coffee quickly.');
  });

  it('counts partial coverage and picks the sentence with more matches (earliest on ties)', () => {
    const text = 'The dog runs. The dog runs fast across a green field.';
    const s = mapClaimToSpan(text, 'dog runs across field');
    expect(text.slice(s!.start, s!.end)).toBe('dog runs fast across a green field');
    const t = mapClaimToSpan(text, 'dog runs');
    expect(t!.start).toBe(4);
    const half = mapClaimToSpan(TEXT, 'a dog barks at a cat');
    expect(slice(half)).toBe('dog barks');
    expect(half!.coverage).toBeCloseTo(2 / 3);
  });

  it('maps several claims in order', () => {
    expect(mapClaimsToSpans(TEXT, ['wooden door', 'a unicorn']).map(slice)).toEqual(['wooden door', null]);
  });
});

describe('sentenceRanges', () => {
  it('splits after terminal punctuation and at line breaks, trimming whitespace', () => {
    const text = ' One. Two!\nThree';
    expect(sentenceRanges(text).map((r) => text.slice(r.start, r.end))).toEqual(['One.', 'Two!', 'Three']);
  });
});

describe('labelForVerdict', () => {
  it('hallucination unless entailed; unique when entailed and not entailed by the baseline', () => {
    expect(labelForVerdict('contradiction')).toBe('hallucination');
    expect(labelForVerdict('neutral', 'entailment')).toBe('hallucination');
    expect(labelForVerdict('entailment')).toBe('accurate');
    expect(labelForVerdict('entailment', 'entailment')).toBe('accurate');
    expect(labelForVerdict('entailment', 'neutral')).toBe('unique');
    expect(labelForVerdict('entailment', 'contradiction')).toBe('unique');
  });
});
