import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildEntailmentPrompt,
  escoreFromCoverage,
  eventCoverage,
  parseEntailmentReply,
  parsePythonStringList,
  pythonListRepr,
  pythonStringRepr,
} from './escore';

describe('escoreFromCoverage (Eq. 8)', () => {
  it.each([
    [0, 0],
    [0.279, 0],
    [0.28, 0.5],
    [0.3, 0.5],
    [0.349, 0.5],
    [0.35, 1],
    [1, 1],
  ])('coverage %f → %f with δ = (0.28, 0.35)', (coverage, expected) => {
    expect(escoreFromCoverage(coverage, [0.28, 0.35])).toBe(expected);
  });

  it('hits the thresholds exactly for event fractions: 7/25 = 0.28 and 7/20 = 0.35', () => {
    expect(escoreFromCoverage(7 / 25)).toBe(0.5);
    expect(escoreFromCoverage(6 / 25)).toBe(0); // 0.24
    expect(escoreFromCoverage(7 / 20)).toBe(1);
    expect(escoreFromCoverage(1 / 3)).toBe(0.5); // 0.333…
  });

  it('rejects invalid thresholds and maps NaN to 0', () => {
    expect(() => escoreFromCoverage(0.5, [0.4, 0.3])).toThrow(/δ1 ≤ δ2/);
    expect(escoreFromCoverage(Number.NaN)).toBe(0);
  });
});

describe('eventCoverage', () => {
  it('counts only "entailment" and returns null for no events', () => {
    // 2 entailed of 5 → 0.4.
    expect(eventCoverage(['entailment', 'neutral', 'entailment', 'contradiction', null])).toBe(0.4);
    expect(eventCoverage([])).toBeNull();
  });
});

describe('Tarsier entailment prompt (autodq-v1)', () => {
  it('reproduces Tarsier call_azure_gpt_api character for character', () => {
    const prompt = buildEntailmentPrompt('A Man Walks.\nHe waves.', ['A man walks.', "The man's dog barks."]);
    expect(prompt).toBe(
      'Given a video description and a list of events. For each event, classify the relationship between the video description and the event into three classes: entailment, neutral, contradiction.\n' +
        '- "entailment" means that the video description entails the event.\n' +
        '- "contradiction" means that some detail in the video description contradicts with the event.\n' +
        '- "neutral" means that the relationship is neither "entailment" or "contradiction".\n\n' +
        'Video Description:\na man walks.\nhe waves.\n\n' +
        `Events: ['A man walks.', "The man's dog barks."]\n` +
        'Output a JSON formed as:\n{\n  "events": [\n    {"event": "copy an event here", "relationship": "put class name here",  "reason": "give your reason here"},\n    ...\n  ]\n}\n\n' +
        'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only output the JSON. Output:',
    );
  });

  it('writes Python reprs of strings', () => {
    expect(pythonStringRepr('plain')).toBe("'plain'");
    expect(pythonStringRepr("it's")).toBe('"it\'s"');
    expect(pythonStringRepr(`both ' and "`)).toBe(`'both \\' and "'`);
    expect(pythonStringRepr('a\\b\nc\t\u0001')).toBe("'a\\\\b\\nc\\t\\x01'");
    expect(pythonListRepr([])).toBe('[]');
  });

  it('parses back what it writes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (values) => {
        expect(parsePythonStringList(pythonListRepr(values))).toEqual(values);
      }),
    );
    expect(parsePythonStringList('not a list')).toBeNull();
    expect(parsePythonStringList("['a', 'b',]")).toEqual(['a', 'b']);
  });
});

describe('parseEntailmentReply (strict; core/judge-reply.ts)', () => {
  const json = JSON.stringify({
    events: [
      { event: 'A man walks.', relationship: 'entailment', reason: '…' },
      { event: 'A dog barks.', relationship: 'Neutral', reason: '…' },
      { event: 'It rains.', relationship: 'contradiction', reason: '…' },
    ],
  });

  it('reads the JSON Tarsier asks for', () => {
    const r = parseEntailmentReply(json, 3);
    expect(r.ok && r.value.map((v) => v.relationship)).toEqual(['entailment', 'neutral', 'contradiction']);
  });

  it('reads fenced JSON with trailing commas (Tarsier repairs)', () => {
    const reply = '```json\n{"events": [{"event": "a", "relationship": "entailment",}, {"event": "b", "relationship": "neutral"},]}\n```';
    const r = parseEntailmentReply(reply, 2);
    expect(r.ok && r.value.map((v) => v.relationship)).toEqual(['entailment', 'neutral']);
  });

  it('fails on a truncated reply, on class words in prose and on a count mismatch (no padding, no truncation)', () => {
    expect(parseEntailmentReply("{'events': [{'event': 'a', 'relationship': 'entailment', 'reason': 'x'}, {'event': 'b', 'relationship': 'neutral'", 2).ok).toBe(false);
    expect(parseEntailmentReply('1. entailment\n2. contradiction', 2).ok).toBe(false);
    const r = parseEntailmentReply(json, 4);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/returned 3 verdicts for 4 events/);
  });
});
