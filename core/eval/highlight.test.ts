import { describe, expect, it } from 'vitest';
import { mapItemsToSentences } from './highlight';

describe('mapItemsToSentences', () => {
  it('maps each item to the sentence sharing most of its content words', () => {
    const text = 'A man opens the door. He walks outside!  A dog barks at him.';
    const spans = mapItemsToSentences(text, ['the man opens a door', 'a dog barks', 'a cat sleeps']);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['A man opens the door.', 'He walks outside!', 'A dog barks at him.']);
    expect(spans.map((s) => s.items)).toEqual([[0], [], [1]]);
  });
});
