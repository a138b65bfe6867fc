import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkFormat, formatReward } from './format';

describe('formatReward', () => {
  it.each([
    ['<think>a</think><answer>b</answer>', 1],
    ['<think>\n#Subject 1: Man [tall], [walk]\n</think>\n\n<answer>\nA man walks.\n</answer>', 1],
    ['  \n<think>a</think>  <answer>b</answer>\n\n', 1], // surrounding whitespace allowed
    ['<think></think><answer></answer>', 1], // empty blocks are well-formed (as in ms-swift)
    ['<think>a</think>', 0],
    ['<answer>b</answer>', 0],
    ['<answer>b</answer><think>a</think>', 0],
    ['<think>a</think> text <answer>b</answer>', 0],
    ['<think>a</think><answer>b</answer> trailing', 0],
    ['<think>a</think><answer>b', 0],
    ['<think>a<answer>b</answer>', 0],
    ['<think>a</think><think>a2</think><answer>b</answer>', 0], // ms-swift's lazy regex accepts this
    ['<think>a</think><answer>b</answer><answer>c</answer>', 0],
    ['<think>a <think> b</think><answer>c</answer>', 0],
    ['<Think>a</Think><answer>b</answer>', 0], // tags are literal, as in ms-swift
    ['', 0],
    ['   ', 0],
  ])('%j → %i', (completion, expected) => {
    expect(formatReward(completion)).toBe(expected);
  });

  it('says why the format failed', () => {
    expect(checkFormat('<think>a</think><answer>b</answer> x').failure).toBe('text after </answer>');
    expect(checkFormat('<think>a</think>x<answer>b</answer>').failure).toBe('missing <answer> after </think>');
    expect(checkFormat('<think>a</think><answer>b</answer>').failure).toBeNull();
  });

  it('is 0 or 1 for any string and 1 for any tag-free think/answer pair', () => {
    const tagFree = fc.string().filter((s) => !/<\/?(think|answer)>/.test(s));
    fc.assert(
      fc.property(fc.string(), tagFree, tagFree, (junk, think, answer) => {
        expect([0, 1]).toContain(formatReward(junk));
        expect(formatReward(`<think>${think}</think>\n<answer>${answer}</answer>`)).toBe(1);
      }),
    );
  });

  it('under prefilledThink, accepts a completion that starts inside the think (issue 8, item 4)', () => {
    const prefilled = { prefilledThink: true };
    // What TRL / ms-swift pass to a reward function when the chat template ends the prompt with "<think>\n".
    expect(formatReward('\n#Subject 1: Man [tall], [walk]\n</think>\n<answer>A man walks.</answer>', prefilled)).toBe(1);
    expect(formatReward('\n#Subject 1: Man [tall], [walk]\n</think>\n<answer>A man walks.</answer>')).toBe(0); // the paper's rule
    // A completion that writes its own <think> is checked as it is.
    expect(formatReward('<think>a</think><answer>b</answer>', prefilled)).toBe(1);
    // "When the rest is right": every other rule still applies.
    expect(checkFormat('a</think> x <answer>b</answer>', prefilled).failure).toBe('missing <answer> after </think>');
    expect(checkFormat('a<answer>b</answer>', prefilled).failure).toBe('missing </think>');
    expect(checkFormat('a</think><answer>b', prefilled).failure).toBe('missing </answer>');
    expect(checkFormat('a</think><answer>b</answer> more', prefilled).failure).toBe('text after </answer>');
    expect(checkFormat('a<think>b</think><answer>c</answer>', prefilled).failure).toBe('repeated tag');
    expect(checkFormat('<answer>b</answer>', prefilled).failure).toBe('missing </think>');
    expect(formatReward('', prefilled)).toBe(0);
  });

  it('prefilledThink only ever widens what scores 1 (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        if (formatReward(text) === 1) expect(formatReward(text, { prefilledThink: true })).toBe(1);
        // Prefilled, a completion is right exactly when "<think>" + it is right by the paper's rule (or it is itself).
        expect(formatReward(text, { prefilledThink: true })).toBe(Math.max(formatReward(text), formatReward(`<think>${text}`)));
      }),
      { numRuns: 500 },
    );
  });
});
