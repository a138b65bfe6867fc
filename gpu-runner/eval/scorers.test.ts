/**
 * Aggregation of each benchmark pinned against hand-computed cases, through a scripted judge server
 * speaking the OpenAI wire format (gpu-runner/testing/openai-server.ts) and the real JudgeClient.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createOpenAIJudge } from '../providers/judge';
import { JudgeClient } from '../providers/judge-client';
import { parsePythonStringList } from '../../core/escore';
import { summaryResultRows } from '../../core/eval/types';
import type { Dream1kClip } from '../datasets/dream1k';
import { carebenchTask, dream1kTask, evaluate, vdcTask } from './run-eval';

let server: OpenAITestServer;
const fast = { retryBaseMs: 5, retryMaxMs: 20, timeoutMs: 5_000, maxRetries: 0 };

beforeAll(async () => {
  server = await startOpenAIServer({ chat: (prompt) => scripted(prompt) });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

/** Verdict of every item the scripted judge knows (E entailment, N neutral, C contradiction). */
const VERDICTS: Record<string, string> = {};
const label = (v: string) => ({ E: 'entailment', N: 'neutral', C: 'contradiction' })[v] ?? v;
/** Extraction replies per caption (as the prompt shows it: lower-cased). */
const EXTRACTED: Record<string, string> = {};

function scripted(prompt: string): string {
  if (prompt.startsWith('Given a video description and a list of')) {
    const objects = prompt.includes('\nObjects: ');
    const literal = prompt.slice(prompt.lastIndexOf(objects ? '\nObjects: ' : '\nEvents: ') + (objects ? 10 : 9), prompt.lastIndexOf('\nOutput a JSON formed as:'));
    const items = parsePythonStringList(literal) ?? [];
    if (items.some((i) => VERDICTS[i] === 'garbage')) return 'I think they mostly hold.';
    const key = objects ? 'objects' : 'events';
    return JSON.stringify({ [key]: items.map((i) => ({ [objects ? 'object' : 'event']: i, relationship: label(VERDICTS[i] ?? 'N'), reason: `scripted ${VERDICTS[i] ?? 'N'}` })) });
  }
  if (prompt.includes('Extract at most 10 key')) {
    const caption = prompt.slice(prompt.indexOf('Video Description: ') + 19, prompt.indexOf('\n\nExtract at most 10 key'));
    const kind = prompt.includes('key events') ? 'events' : 'objects';
    return EXTRACTED[`${kind}:${caption}`] ?? `{'${kind}': []}`;
  }
  if (prompt.startsWith('Please provide accurate answers')) return `answer to ${prompt.slice(prompt.lastIndexOf(', question: ') + 12, prompt.indexOf('DO NOT PROVIDE'))}`;
  if (prompt.startsWith('Please evaluate the following')) {
    const q = prompt.slice(prompt.indexOf('Question: ') + 10, prompt.indexOf('\nCorrect Answer: '));
    return VERDICTS[`vdc:${q}`] ?? "{'pred': 'no', 'score': 0}";
  }
  throw new Error(`unscripted prompt: ${prompt.slice(0, 80)}`);
}

function client(attempts = 3): JudgeClient {
  return new JudgeClient(createOpenAIJudge({ baseUrl: server.url, model: 'scripted', policy: fast, concurrency: 4 }), { attempts });
}

function dreamClip(vid: number, subset: string, reference: string, events: string[], nEvents = events.length): Dream1kClip {
  return { id: `dream-1k/${vid}`, vid, subset: `DREAM/${subset}`, referenceCaption: reference, events, think: null, videoPath: null, durationSec: null, annotationSource: 'test', nEvents, nShots: 1, nSubjects: 2 };
}

describe('DREAM-1K AutoDQ through a scripted judge', () => {
  it('per-clip recall/precision, subset means, F1 of means, overall = mean of subsets; failed clips excluded and counted', async () => {
    Object.assign(VERDICTS, { a1: 'E', a2: 'E', a3: 'N', a4: 'C', p1: 'E', p2: 'N', p3: 'C', b1: 'E', b2: 'N', c1: 'E', c2: 'N', d1: 'garbage' });
    Object.assign(EXTRACTED, {
      'events:caption a': "{'events': ['p1', 'p2', 'p3']}",
      'events:caption b': '{"events": []}',
      'events:caption c': '```python\n{"events": ["c1", "c2"]}\n```',
      'events:caption d': "{'events': ['c1']}",
    });
    const clips = [
      dreamClip(1, 'movie_animation', 'Reference A.', ['a1', 'a2', 'a3', 'a4']),
      dreamClip(2, 'movie_animation', 'Reference B.', ['b1', 'b2']),
      dreamClip(3, 'youtube', 'Reference C.', [], 0),
      dreamClip(4, 'youtube', 'Reference D.', ['d1']),
    ];
    const predictions = new Map([
      ['dream-1k/1', 'Caption A'],
      ['dream-1k/2', 'Caption B'],
      ['dream-1k/3', 'Caption C'],
      ['dream-1k/4', 'Caption D'],
    ]);
    const task = dream1kTask(clips);
    const jc = client();
    const samples = await evaluate({ tasks: [task], predictions, client: jc, concurrency: 4 });
    const byClip = new Map(samples.map((s) => [s.clipId, s]));
    // A: recall 2/4 (a1, a2 entailed), precision 1/3 (p1); B: recall 1/2, precision 1.0 (nothing extracted);
    // C: recall 1.0 (no human events), precision 1/2; D: the judge never answers the recall prompt validly.
    expect(byClip.get('dream-1k/1')?.scores).toMatchObject({ recall: 0.5, precision: 1 / 3, recall_hits: 2, recall_total: 4, precision_hits: 1, precision_total: 3 });
    expect(byClip.get('dream-1k/2')?.scores).toMatchObject({ recall: 0.5, precision: 1, precision_total: 0 });
    expect(byClip.get('dream-1k/3')?.scores).toMatchObject({ recall: 1, precision: 0.5, recall_total: 0 });
    const d = byClip.get('dream-1k/4')!;
    expect(d.failed).toBe(true);
    expect(d.failureReason).toMatch(/^recall \(human events vs prediction\): no valid reply after 3 attempts: not JSON after the official repairs/);

    const s = task.summarize(samples);
    if (s.benchmark !== 'dream-1k') throw new Error('wrong benchmark');
    // movie_animation: R = (0.5 + 0.5)/2 = 0.5, P = (1/3 + 1)/2 = 2/3, F1 = 2·0.5·(2/3)/(0.5 + 2/3) = 4/7
    expect(s.subsets[0]).toMatchObject({ subset: 'movie_animation', clips: 2, failed: 0 });
    expect(s.subsets[0].recall).toBeCloseTo(0.5, 12);
    expect(s.subsets[0].precision).toBeCloseTo(2 / 3, 12);
    expect(s.subsets[0].f1).toBeCloseTo(4 / 7, 12);
    // youtube: only C counts (D failed): R = 1, P = 0.5, F1 = 2/3
    expect(s.subsets[1]).toMatchObject({ subset: 'youtube', clips: 1, failed: 1, recall: 1, precision: 0.5 });
    expect(s.subsets[1].f1).toBeCloseTo(2 / 3, 12);
    // overall: R = (0.5 + 1)/2 = 0.75, P = (2/3 + 0.5)/2 = 7/12, F1 = 2·0.75·(7/12)/(0.75 + 7/12) = 0.65625
    expect(s.overall.recall).toBeCloseTo(0.75, 12);
    expect(s.overall.precision).toBeCloseTo(7 / 12, 12);
    expect(s.overall.f1).toBeCloseTo(0.65625, 12);
    expect(s.overall).toMatchObject({ clips: 3, failed: 1 });
    // n_events buckets (annotation's n_events): A = 4 → "in [4, 5]"; B = 2 and C = 0 → "<=3"
    const ev = Object.fromEntries(s.breakdowns.n_events.map((b) => [b.bucket, b]));
    expect(ev['in [4, 5]']).toMatchObject({ clips: 1, recall: 0.5 });
    expect(ev['<=3'].clips).toBe(2);
    expect(ev['<=3'].recall).toBeCloseTo(0.75, 12);
    expect(ev['>=8']).toMatchObject({ clips: 0, recall: null, f1: null });

    // EvalResult rows in percent
    const rows = summaryResultRows(s);
    expect(rows.find((r) => r.subset === 'overall' && r.metric === 'f1')?.value).toBeCloseTo(65.625, 9);
    expect(rows.find((r) => r.subset === 'movie_animation' && r.metric === 'precision')?.value).toBeCloseTo(200 / 3, 9);
    expect(rows.find((r) => r.subset === 'youtube' && r.metric === 'f1')).toMatchObject({ clips: 1, failedClips: 1 });

    // The recall prompt carries the lower-cased prediction and the human events as a Python list.
    const prompts = server.requestsTo('/v1/chat/completions').map((r) => (r.body as { messages: { content: string }[] }).messages[0].content);
    expect(prompts.filter((p) => p.includes("Video Description:\ncaption a\n\nEvents: ['a1', 'a2', 'a3', 'a4']\n"))).toHaveLength(1);
    // precision: the extracted events against the lower-cased reference caption
    expect(prompts.filter((p) => p.includes("Video Description:\nreference a.\n\nEvents: ['p1', 'p2', 'p3']\n"))).toHaveLength(1);
    expect(prompts.filter((p) => p.startsWith('Bellow is a description of a video clip:\nVideo Description: caption a\n'))).toHaveLength(1);
    // No judge call for an empty list (B's extracted events, C's human events).
    expect(prompts.filter((p) => p.includes("Events: []"))).toEqual([]);
    expect(jc.counters).toMatchObject({ failed: 1 });
  });
});

describe('VDC VDCSCORE through a scripted judge', () => {
  it('accuracy and score per clip, means over every clip, and the official-script variant that drops zero clips', async () => {
    Object.assign(VERDICTS, { 'vdc:q1': "{'pred': 'yes', 'score': 4}", 'vdc:q2': "{'pred': 'no', 'score': 0}", 'vdc:q3': "{'pred': 'no', 'score': 0}", 'vdc:q4': '{"pred": "Yes", "score": 5}' });
    const task = vdcTask('detailed', [
      { id: 'vdc/v1', videoId: 'v1', qas: [{ question: 'q1', answer: 'a', category: 'object' }, { question: 'q2', answer: 'b', category: 'action' }] },
      { id: 'vdc/v2', videoId: 'v2', qas: [{ question: 'q3', answer: 'c', category: '' }] },
      { id: 'vdc/v3', videoId: 'v3', qas: [{ question: 'q4', answer: 'd', category: '' }] },
    ]);
    const samples = await evaluate({ tasks: [task], predictions: new Map([['vdc/v1', 'cap 1'], ['vdc/v2', 'cap 2'], ['vdc/v3', 'cap 3']]), client: client(), concurrency: 4 });
    const s = task.summarize(samples);
    if (s.benchmark !== 'vdc') throw new Error('wrong benchmark');
    // v1: acc 1/2, score (4+0)/2 = 2; v2: acc 0, score 0; v3: "Yes" normalised → acc 1, score 5.
    // Means: acc (0.5 + 0 + 1)/3 = 0.5, score (2 + 0 + 5)/3 = 7/3. Official script drops v2: acc 0.75, score 3.5.
    expect(s.accuracy).toBeCloseTo(0.5, 12);
    expect(s.score).toBeCloseTo(7 / 3, 12);
    expect(s.officialScript).toMatchObject({ clips: 2, dropped: 1, accuracy: 0.75, score: 3.5 });
    const v1 = samples.find((x) => x.clipId === 'vdc/v1')!;
    expect((v1.details.qas as { predictedAnswer: string }[])[0].predictedAnswer).toBe('answer to q1');
    // both VDCSCORE requests carry their system message and max_tokens 256
    const bodies = server.requestsTo('/v1/chat/completions').map((r) => r.body as { messages: { role: string }[]; max_tokens: number });
    expect(bodies.every((b) => b.messages[0].role === 'system' && b.max_tokens === 256)).toBe(true);
    const rows = summaryResultRows(s);
    expect(rows.map((r) => [r.metric, r.value])).toEqual([
      ['accuracy', 50],
      ['score', 7 / 3],
      ['official_script_accuracy', 75],
      ['official_script_score', 3.5],
    ]);
  });
});

describe('CAREBENCH through a scripted judge', () => {
  it('action F1 from events, object F1 from "There is/are" objects; objects absent from the record are extracted from the reference', async () => {
    Object.assign(VERDICTS, { e1: 'E', e2: 'N', pe1: 'E', pe2: 'E', o1: 'E', o2: 'C', po1: 'N', po2: 'E', po3: 'E', po4: 'N' });
    Object.assign(EXTRACTED, {
      'events:a caption': "{'events': ['pe1', 'pe2']}",
      'objects:a caption': "{'objects': ['po1', 'po2', 'po3', 'po4']}",
      'objects:the reference.': "{'objects': ['o1', 'o2']}",
    });
    const task = carebenchTask([{ id: 'carebench/x.mp4', video: 'x.mp4', reference: 'The reference.', events: ['e1', 'e2'], objects: null, category: null, subcategory: null }]);
    const samples = await evaluate({ tasks: [task], predictions: new Map([['carebench/x.mp4', 'A caption']]), client: client(), concurrency: 4 });
    expect(samples[0].failed).toBe(false);
    expect(samples[0].details.objectsFrom).toBe('extracted from the reference caption by the judge');
    const s = task.summarize(samples);
    if (s.benchmark !== 'carebench') throw new Error('wrong benchmark');
    // action: R 1/2, P 2/2 → F1 2/3; object: R 1/2 (o1), P 2/4 → F1 1/2
    expect(s.action.recall).toBe(0.5);
    expect(s.action.precision).toBe(1);
    expect(s.action.f1).toBeCloseTo(2 / 3, 12);
    expect(s.object).toMatchObject({ recall: 0.5, precision: 0.5, f1: 0.5 });
    expect(summaryResultRows(s).map((r) => r.metric)).toEqual(['action_f1', 'action_precision', 'action_recall', 'object_f1', 'object_precision', 'object_recall']);
  });
});
