import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildCompletenessPrompt,
  buildNaturalnessPrompt,
  cnScore,
  COMPLETENESS_PROMPT_TEMPLATE,
  NATURALNESS_PROMPT_TEMPLATE,
  parseJudgeScore,
  renderPromptTemplate,
} from './cnscore';

describe('cnScore (Eq. 7)', () => {
  it('is (completeness + naturalness) / 20', () => {
    // (7 + 9) / 20 = 0.8; (10 + 10) / 20 = 1; (1 + 1) / 20 = 0.1.
    expect(cnScore(7, 9)).toBe(0.8);
    expect(cnScore(10, 10)).toBe(1);
    expect(cnScore(1, 1)).toBe(0.1);
  });
});

describe('Appendix E prompts', () => {
  it('keep the paper wording of Figures 11 and 12', () => {
    expect(COMPLETENESS_PROMPT_TEMPLATE.startsWith('Please play the role of a professional video description model evaluation expert. You will be given a video description output by the model')).toBe(true);
    expect(COMPLETENESS_PROMPT_TEMPLATE).toContain('3-4 points: The description is severely lacking, only mentioning a small part of the content in the video. The main body and actions are highly summarized or incorrect');
    expect(COMPLETENESS_PROMPT_TEMPLATE).toContain('Video elements\n[{think}]\n\nVideo description\n[{caption}]');
    expect(NATURALNESS_PROMPT_TEMPLATE).toContain('An example with 1 points: "#Subject 1: Person [wearing a sweater], [open the door, step outside, close the door]"');
    expect(NATURALNESS_PROMPT_TEMPLATE.endsWith('For example, your response should look like this: {{"score": 5}}.')).toBe(true);
  });

  it('render like Python str.format: fields substituted, {{ }} unescaped, values untouched', () => {
    const prompt = buildCompletenessPrompt([{ subject: 'Man', attributes: ['tall'], actions: ['walk'] }], 'A man {walks}.');
    expect(prompt).toContain('Video elements\n[#Subject 1: Man [tall], [walk]]\n\nVideo description\n[A man {walks}.]');
    expect(prompt.endsWith('your response should look like this: {"score": 5}.')).toBe(true);
    expect(buildNaturalnessPrompt('A dog runs.')).toContain('Video Description\n[A dog runs.]\n\nOutput Format');
    expect(() => renderPromptTemplate('{missing}', {})).toThrow(/missing/);
  });
});

describe('parseJudgeScore', () => {
  it.each([
    ['{"score": 7}', 7],
    ["{'score': 8}", 8],
    ['```json\n{"score": 6.5}\n```', 6.5],
    ['<think>Maybe a 3? No, 9.</think>{"score": 9}', 9],
    ['{"score": 0}', 0],
    ['{"score": 10}', 10],
  ])('%j → %f', (reply, expected) => {
    expect(parseJudgeScore(reply).score).toBe(expected);
  });

  it('rejects out-of-range values instead of clamping', () => {
    expect(parseJudgeScore('{"score": 85}')).toEqual({ score: null, diagnostics: ['score 85 is outside [0, 10]; rejected'] });
    expect(parseJudgeScore('{"score": -1}').score).toBeNull();
    expect(parseJudgeScore('{"score": 10.5}').score).toBeNull();
  });

  it('does not read ratings out of prose (one strict parser, core/judge-reply.ts)', () => {
    for (const prose of ['Score: 9', 'I would rate it 7/10.', '8 out of 10', 'The caption mentions 2 subjects well. Overall: 6', 'great caption!']) {
      const r = parseJudgeScore(prose);
      expect(r.score, prose).toBeNull();
      expect(r.diagnostics.at(-1), prose).toMatch(/not a JSON object or Python dict literal/);
    }
  });

  it('never throws and stays in range (property), linear on long digit runs', () => {
    fc.assert(
      fc.property(fc.string(), (reply) => {
        const { score } = parseJudgeScore(reply);
        if (score !== null) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(10);
        }
      }),
    );
    const start = performance.now();
    parseJudgeScore('1'.repeat(100_000) + ' out of 1');
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
