import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseDictLiteral,
  parseEntailmentVerdicts,
  parseExtractedList,
  parseFreeTextAnswer,
  parseScoreReply,
  parseVdcVerdict,
  stripReasoningBlock,
  tarsierRepairs,
} from './judge-reply';
import { eventCoverage } from './escore';

// shared/cases/judge-reply-reasoning-block (copied into core/testdata): three events, four replies.
const reasoningCase = JSON.parse(readFileSync(new URL('./testdata/judge-reply-reasoning-block.json', import.meta.url), 'utf8')) as {
  events: string[];
  replies: Record<string, string>;
};

describe('case judge-reply-reasoning-block', () => {
  it.each(Object.entries(reasoningCase.replies))('%s reads as [entailment, entailment, neutral], coverage 2/3', (_name, reply) => {
    const r = parseEntailmentVerdicts(reply, reasoningCase.events.length);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((v) => v.relationship)).toEqual(['entailment', 'entailment', 'neutral']);
    expect(eventCoverage(r.value.map((v) => v.relationship))).toBeCloseTo(2 / 3, 12);
  });

  it('the draft JSON inside <think> is not the verdict (it says neutral ×3)', () => {
    const r = parseEntailmentVerdicts(reasoningCase.replies['think-with-draft-json'], 3);
    expect(r.ok && r.value[0].relationship).toBe('entailment');
    expect(r.diagnostics).toContain('reasoning block removed');
  });

  it('a final answer with more or fewer verdicts than events sent is a failed reply, never aligned by position', () => {
    const final = JSON.parse(reasoningCase.replies['plain-json (control)']) as { events: unknown[] };
    const two = `<think>draft</think>${JSON.stringify({ events: final.events.slice(0, 2) })}`;
    const four = `<think>draft</think>${JSON.stringify({ events: [...final.events, final.events[0]] })}`;
    for (const reply of [two, four]) {
      const r = parseEntailmentVerdicts(reply, 3);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/judge returned [24] verdicts for 3 events sent \(verdicts are never aligned by position/);
    }
  });
});

describe('stripReasoningBlock', () => {
  it('keeps replies without reasoning, drops up to the last </think>, rejects an unclosed <think>', () => {
    expect(stripReasoningBlock('{"a":1}')).toEqual({ ok: true, text: '{"a":1}', stripped: false });
    expect(stripReasoningBlock('<think>x</think>\n{"a":1}')).toEqual({ ok: true, text: '\n{"a":1}', stripped: true });
    expect(stripReasoningBlock('draft {"a":0}\n</THINK>{"a":1}')).toEqual({ ok: true, text: '{"a":1}', stripped: true });
    expect(stripReasoningBlock('<think>still thinking {"events": []}')).toMatchObject({ ok: false });
  });
});

describe('Tarsier repairs (try_call_api_for_eval)', () => {
  it('applies the official list in order', () => {
    expect(tarsierRepairs('```json\n{"events": [{"event": "a", "relationship": "entailment",}\n{"event": "b", "relationship": "neutral"},]}\n```')).toBe(
      '{"events": [{"event": "a", "relationship": "entailment"}, {"event": "b", "relationship": "neutral"}]}',
    );
    expect(tarsierRepairs('"events": [{"event": "a", "relationship": "entailment", "ok": True}]')).toBe('{"events": [{"event": "a", "relationship": "entailment", "ok": true}]}');
    expect(tarsierRepairs('{Events: {"events": []}}')).toBe('{"events": []}}');
    expect(tarsierRepairs('{"objects": [[Placeholder]]}', 'Objects')).toBe('{"objects": [null]}');
  });
});

describe('parseEntailmentVerdicts', () => {
  const json = JSON.stringify({
    events: [
      { event: 'A man walks.', relationship: 'entailment', reason: 'said' },
      { event: 'A dog barks.', relationship: ' Neutral ', reason: 'no dog' },
      { event: 'It rains.', relationship: 'contradiction' },
    ],
  });

  it('reads JSON with one label per event, labels stripped and lower-cased as the official code does', () => {
    const r = parseEntailmentVerdicts(json, 3);
    expect(r).toEqual({
      ok: true,
      diagnostics: [],
      value: [
        { relationship: 'entailment', reason: 'said', echoed: 'A man walks.' },
        { relationship: 'neutral', reason: 'no dog', echoed: 'A dog barks.' },
        { relationship: 'contradiction', reason: '', echoed: 'It rains.' },
      ],
    });
  });

  it('reads the objects list of CaReBench', () => {
    const r = parseEntailmentVerdicts('{"objects": [{"object": "There is a red car.", "relationship": "entailment", "reason": "x"}]}', 1, { listKey: 'objects' });
    expect(r.ok && r.value[0]).toEqual({ relationship: 'entailment', reason: 'x', echoed: 'There is a red car.' });
  });

  it.each([
    ['prose with class words', '1. entailment\n2. neutral\n3. contradiction', /not JSON after the official repairs/],
    ['a Python dict (the prompt asks for JSON)', "{'events': [{'event': 'a', 'relationship': 'entailment'}]}", /not JSON/],
    ['a label outside the three classes', '{"events": [{"relationship": "entailed"}, {"relationship": "neutral"}, {"relationship": "neutral"}]}', /event 1: relationship "entailed" is not one of/],
    ['a missing relationship', '{"events": [{"event": "a"}, {"relationship": "neutral"}, {"relationship": "neutral"}]}', /event 1: no "relationship" string/],
    ['prose before the JSON', 'Here is the JSON: {"events": []}', /not JSON/],
    ['an empty reply', '   ', /empty reply/],
    ['a truncated reasoning block', '<think>the first event is', /never closed/],
  ])('fails on %s', (_name, reply, reason) => {
    const r = parseEntailmentVerdicts(reply, 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('never throws and succeeds only with exactly n valid labels (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 5 }), (reply, n) => {
        const r = parseEntailmentVerdicts(reply, n);
        if (r.ok) expect(r.value).toHaveLength(n);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('entailment', 'neutral', 'contradiction'), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 8 }), (labels, n) => {
        const r = parseEntailmentVerdicts(JSON.stringify({ events: labels.map((relationship) => ({ relationship })) }), n);
        expect(r.ok).toBe(labels.length === n);
      }),
    );
  });
});

describe('parseExtractedList (Python dictionary string of the extraction prompts)', () => {
  it('reads JSON and Python dict literals, with fences', () => {
    expect(parseExtractedList('{"events": ["a man walks", "a dog barks"]}', 'events')).toMatchObject({ ok: true, value: ['a man walks', 'a dog barks'] });
    expect(parseExtractedList(`\`\`\`python\n{'events': ['a man walks', "the dog's tail wags"]}\n\`\`\``, 'events')).toMatchObject({
      ok: true,
      value: ['a man walks', "the dog's tail wags"],
    });
    expect(parseExtractedList("{'objects': []}", 'objects')).toMatchObject({ ok: true, value: [] });
  });

  it('keeps more than 10 items with a diagnostic, rejects non-strings and other keys', () => {
    const many = parseExtractedList(JSON.stringify({ events: Array.from({ length: 12 }, (_, i) => `e${i}`) }), 'events');
    expect(many.ok && many.value).toHaveLength(12);
    expect(many.diagnostics.join()).toMatch(/12 events/);
    expect(parseExtractedList('{"events": ["a", 3]}', 'events')).toMatchObject({ ok: false, reason: 'events[1] is not a string' });
    expect(parseExtractedList('{"objects": ["a"]}', 'events')).toMatchObject({ ok: false, reason: 'the reply has no "events" list' });
    expect(parseExtractedList('Events: a man walks; a dog barks', 'events').ok).toBe(false);
  });
});

describe('VDC replies', () => {
  it('answers are the text after any reasoning; empty is a failure', () => {
    expect(parseFreeTextAnswer('<think>hm</think> a red car ')).toMatchObject({ ok: true, value: 'a red car' });
    expect(parseFreeTextAnswer('').ok).toBe(false);
  });

  it('verdicts need pred yes/no and a score in [0, 5]', () => {
    expect(parseVdcVerdict("{'pred': 'yes', 'score': 4}")).toMatchObject({ ok: true, value: { pred: 'yes', score: 4 } });
    expect(parseVdcVerdict('{"pred": "no", "score": 4.8}')).toMatchObject({ ok: true, value: { pred: 'no', score: 4.8 } });
    expect(parseVdcVerdict("{'pred': 'Yes', 'score': '3'}")).toMatchObject({ ok: true, value: { pred: 'yes', score: 3 } });
    expect(parseVdcVerdict("{'pred': 'maybe', 'score': 3}")).toMatchObject({ ok: false });
    expect(parseVdcVerdict("{'pred': 'yes', 'score': 7}")).toMatchObject({ ok: false, reason: '"score" 7 is outside [0, 5]' });
    expect(parseVdcVerdict("{'pred': 'yes'}")).toMatchObject({ ok: false, reason: 'no numeric "score" in the reply' });
    expect(parseVdcVerdict('yes, 4').ok).toBe(false);
  });
});

describe('parseScoreReply (CNscore)', () => {
  it('reads {"score": N} / {\'score\': N} only', () => {
    expect(parseScoreReply('{"score": 7}')).toMatchObject({ ok: true, value: 7 });
    expect(parseScoreReply("<think>maybe 3</think>{'score': 8}")).toMatchObject({ ok: true, value: 8 });
    expect(parseScoreReply('I would give it 7/10').ok).toBe(false);
    expect(parseScoreReply('{"score": 85}')).toMatchObject({ ok: false, reason: 'score 85 is outside [0, 10]; rejected' });
  });

  it('parseDictLiteral names what it got', () => {
    expect(parseDictLiteral('[1, 2]')).toMatchObject({ ok: false, reason: 'expected an object, got a list: "[1, 2]"' });
  });
});
