/**
 * Analyze runs end to end: launched through tRPC, queued on BullMQ (real Redis), taken by a runner
 * child process that talks to the app's real route handlers over HTTP, judged by the offline lexical
 * judge and by an OpenAI-compatible judge server speaking the real wire format, stored in PostgreSQL
 * as a CaptionAnalysis and suggested spans. Also: re-running keeps reviewed and human spans, rates,
 * annotation export/import through the app routes, agreement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createCaller } from '../../server/api/root';
import { db } from '../../server/db';
import { startTestApp, type TestApp } from '../../server/testing/http-app';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { createLexicalJudge } from '../providers/lexical-judge';
import { until } from '../../server/testing/until';

const ROOT = path.resolve(__dirname, '..', '..');
const caller = createCaller({ db: db(), headers: new Headers() });
let app: TestApp;
let judge: OpenAITestServer;
let runner: ChildProcess | null = null;
let out = '';

const TAG = `it-analyze-${Date.now()}`;
const CLIP = `${TAG}/1`;
const TEXT = 'A man in a red shirt opens a wooden door. A small dog barks at him. A cat jumps onto the table.';
const REFERENCE = 'A man in a red shirt opens a wooden door and a small dog barks at him.';
const BASELINE = 'A man opens a door.';
let sourceA = '';
let sourceB = '';

async function runToEnd(id: string) {
  return until(() => caller.run.get({ id }), (r) => r.status === 'succeeded' || r.status === 'failed', `analyze run ${id} to finish`);
}

beforeAll(async () => {
  app = await startTestApp();
  judge = await startOpenAIServer();
  // Not a member of the DREAM-1K benchmark (other tests count its clips); its captions say they answer
  // DREAM-1K (CaptionSource.benchmark), which picks DREAM-1K's event-only extraction.
  const ds = await db().dataset.create({ data: { name: TAG, kind: 'train' } });
  await db().clip.create({ data: { id: CLIP, datasetId: ds.id, externalId: '1', referenceCaption: REFERENCE, events: ['a man opens a door', 'a dog barks'] } });
  sourceA = (await db().captionSource.create({ data: { name: `${TAG}-A`, kind: 'imported', model: 'Model A', benchmark: 'dream-1k' } })).id;
  sourceB = (await db().captionSource.create({ data: { name: `${TAG}-B`, kind: 'imported', model: 'Model B', benchmark: 'dream-1k' } })).id;
  await db().caption.create({ data: { sourceId: sourceA, clipId: CLIP, text: TEXT } });
  await db().caption.create({ data: { sourceId: sourceB, clipId: CLIP, text: BASELINE } });
  runner = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'gpu-runner', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, VIDEOCAP_SERVER_URL: app.url, RUNNER_ID: `${TAG}-runner`, RUNNER_HEARTBEAT_MS: '500', RUNNER_WORKDIR: path.join(ROOT, '.data', 'it-analyze-runner'), JUDGE_TIMEOUT_MS: '20000' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  runner.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  runner.stderr?.on('data', (b: Buffer) => (out += b.toString()));
});

afterAll(async () => {
  if (runner?.pid) {
    try {
      process.kill(-runner.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await judge.close();
  await app.close();
});

describe('analyze runs', () => {
  it('lexical judge: claims become red / green / highlight suggestions on the caption, named after the judge; a re-run keeps reviewed and human spans', async () => {
    onTestFailed(() => console.error(`--- runner ---\n${out.slice(-4000)}`));
    const { id } = await caller.analysis.launch({ config: { pairs: [{ clipId: CLIP, sourceId: sourceA }], baselineSourceId: sourceB } });
    const run = await runToEnd(id);
    expect(run.failureReason).toBeNull();
    expect(run).toMatchObject({ kind: 'analyze', backend: 'local', status: 'succeeded' });
    expect(run.createdById).toBeTruthy();

    const [analysis] = await caller.analysis.forClip({ clipId: CLIP });
    expect(analysis).toMatchObject({ sourceId: sourceA, runId: id, judgeKind: 'lexical', nClaims: 3, nHallucinated: 1, nUnique: 1, nAccurate: 1, nUnmapped: 0, stale: false });
    expect(analysis.judgeModel).toMatch(/lexical/);

    const caption = await db().caption.findUniqueOrThrow({ where: { sourceId_clipId: { sourceId: sourceA, clipId: CLIP } } });
    const spans = await db().spanAnnotation.findMany({ where: { captionId: caption.id }, orderBy: { start: 'asc' } });
    expect(spans.map((s) => [s.label, TEXT.slice(s.start, s.end), s.text, s.origin, s.status])).toEqual([
      ['accurate', 'man in a red shirt opens a wooden door', 'man in a red shirt opens a wooden door', 'auto', 'suggested'],
      ['unique', 'dog barks', 'dog barks', 'auto', 'suggested'],
      ['hallucination', 'cat jumps onto the table', 'cat jumps onto the table', 'auto', 'suggested'],
    ]);
    expect(spans.every((s) => s.judgeKind === 'lexical' && /lexical judge/.test(s.authorName) && s.analysisRunId === id && s.claim)).toBe(true);

    // Rates: 1 hallucinated claim of 3 over 1 clip.
    const rates = await caller.analysis.rates({ sourceIds: [sourceA] });
    expect(rates).toEqual([expect.objectContaining({ sourceId: sourceA, model: 'Model A', claims: 3, hallucinated: 1, clips: 1, rate: 1 / 3 })]);

    // A person accepts the red suggestion and adds a span of their own; the analysis runs again.
    const red = spans.find((s) => s.label === 'hallucination')!;
    await caller.annotation.review({ id: red.id, status: 'accepted' });
    const human = await db().spanAnnotation.create({ data: { captionId: caption.id, start: 0, end: 5, label: 'note', note: 'check', authorName: 'Ann', text: TEXT.slice(0, 5) } });
    const again = await caller.analysis.launch({ config: { pairs: [{ clipId: CLIP, sourceId: sourceA }], baselineSourceId: sourceB } });
    expect((await runToEnd(again.id)).status).toBe('succeeded');
    const after = await db().spanAnnotation.findMany({ where: { captionId: caption.id } });
    expect(after.find((s) => s.id === red.id)?.status).toBe('accepted');
    expect(after.find((s) => s.id === human.id)).toBeTruthy();
    const suggested = after.filter((s) => s.status === 'suggested');
    expect(suggested).toHaveLength(3);
    expect(suggested.every((s) => s.analysisRunId === again.id)).toBe(true);
    expect(await db().captionAnalysis.count({ where: { captionId: caption.id } })).toBe(1);
  }, 180_000);

  it('an OpenAI-compatible judge (real wire format) gives the analysis its identity and fills the judge cache; a re-run asks it nothing', async () => {
    onTestFailed(() => console.error(`--- runner ---\n${out.slice(-4000)}`));
    const lexical = createLexicalJudge();
    judge.scriptChat((prompt) => lexical.complete(prompt));
    const model = `scripted-analyze-judge-${Date.now()}`;
    const config = { pairs: [{ clipId: CLIP, sourceId: sourceA }, { clipId: CLIP, sourceId: sourceB }], baselineSourceId: sourceB, judge: { kind: 'openai', baseUrl: judge.url, model } };
    const first = await caller.analysis.launch({ config });
    expect((await runToEnd(first.id)).status).toBe('succeeded');
    const asked = judge.requestsTo('/v1/chat/completions').filter((r) => r.answered).length;
    expect(asked).toBeGreaterThan(0);
    expect(await db().judgeCache.count({ where: { model } })).toBe(asked);

    const analyses = await caller.analysis.forClip({ clipId: CLIP });
    const a = analyses.find((x) => x.sourceId === sourceA)!;
    expect(a).toMatchObject({ judgeKind: 'openai', judgeModel: model, runId: first.id, nHallucinated: 1 });
    // The baseline's own caption has no baseline to compare with: nothing of it is "unique".
    expect(analyses.find((x) => x.sourceId === sourceB)).toMatchObject({ nUnique: 0 });
    const spans = await db().spanAnnotation.findMany({ where: { analysisRunId: first.id } });
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.every((s) => s.judgeModel === model && s.judgeKind === 'openai')).toBe(true);

    const rates = await caller.analysis.rates({ sourceIds: [sourceA, sourceB] });
    expect(rates.find((r) => r.sourceId === sourceA)).toMatchObject({ judge: `openai:${model}`, claims: 3, hallucinated: 1, clips: 1 });

    const second = await caller.analysis.launch({ config });
    const done = await runToEnd(second.id);
    expect(done.status).toBe('succeeded');
    expect(judge.requestsTo('/v1/chat/completions').filter((r) => r.answered).length).toBe(asked);
    expect(done.summary).toMatchObject({ judge_calls_made: 0 });
  }, 180_000);

  it('rejects pairs without a caption, naming them, and stores no run', async () => {
    const before = await db().run.count();
    await expect(caller.analysis.launch({ config: { pairs: [{ clipId: CLIP, sourceId: 'nope' }] } })).rejects.toThrow(/config\.pairs: 1 pair\(s\) name no stored caption, e\.g\. clip .* of source nope/);
    await expect(caller.analysis.launch({ config: { pairs: [] } })).rejects.toThrow(/config\.pairs: choose at least one/);
    expect(await db().run.count()).toBe(before);
  });

  it('annotations export as JSONL / CSV and import back through the app routes: line-by-line errors, nothing lost, duplicates skipped', async () => {
    const token = process.env.VIDEOCAP_API_TOKEN!;
    const auth = { authorization: `Bearer ${token}` };
    const exp = await fetch(`${app.url}/api/annotations/export?format=jsonl&clips=${encodeURIComponent(CLIP)}`, { headers: auth });
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-disposition')).toMatch(/attachment; filename="annotations-.*\.jsonl"/);
    const jsonl = await exp.text();
    const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l));
    const stored = await db().spanAnnotation.count({ where: { caption: { clipId: CLIP } } });
    expect(lines).toHaveLength(stored);
    expect(lines[0]).toEqual(expect.objectContaining({ clip: CLIP, source: expect.any(String), start: expect.any(Number), end: expect.any(Number), text: expect.any(String), label: expect.any(String), author: expect.any(String), time: expect.any(String) }));

    // Re-importing the same file stores nothing new.
    const re = await fetch(`${app.url}/api/annotations/import?format=jsonl`, { method: 'POST', headers: auth, body: jsonl });
    expect(await re.json()).toEqual({ imported: 0, duplicates: stored });

    // A file with one good line and bad ones stores nothing and names line and field.
    const good = { clip: CLIP, source: `${TAG}-A`, start: 2, end: 5, text: 'man', label: 'hallucination', author: 'Bea', time: '2026-11-30T10:00:00Z' };
    const bad = [JSON.stringify(good), JSON.stringify({ ...good, source: 'no-such-source' }), JSON.stringify({ ...good, text: 'MAN' }), '{oops'].join('\n');
    const rej = await fetch(`${app.url}/api/annotations/import?format=jsonl`, { method: 'POST', headers: auth, body: bad });
    expect(rej.status).toBe(400);
    const body = (await rej.json()) as { error: string; errors: string[] };
    expect(body.errors).toEqual([
      'line 2, field source: no caption source is named "no-such-source"',
      'line 3, field text: the caption holds "man" at [2, 5), the line says "MAN" (caption changed?)',
      expect.stringMatching(/^line 4: not valid JSON/),
    ]);
    expect(await db().spanAnnotation.count({ where: { caption: { clipId: CLIP } } })).toBe(stored);

    // CSV: the good line alone imports (as Bea's span); agreement between Bea and the automatic judge.
    const csv = await caller.analysis.exportAnnotations({ format: 'csv', clipIds: [CLIP], origin: 'human' });
    expect(csv.content.split('\r\n')[0]).toBe('clip,source,start,end,text,label,author,time,note,origin,status');
    const ok = await fetch(`${app.url}/api/annotations/import?format=csv`, {
      method: 'POST',
      headers: auth,
      body: `clip,source,start,end,text,label,author,time\r\n${CLIP},${TAG}-A,2,5,man,hallucination,Bea,2026-11-30T10:00:00Z\r\n`,
    });
    expect(await ok.json()).toEqual({ imported: 1, duplicates: 0 });
    const annotators = await caller.analysis.annotators({ clipIds: [CLIP] });
    expect(annotators.map((a) => a.id)).toContain('human:Bea');
    const autoId = annotators.find((a) => a.origin === 'auto' && a.name.includes('lexical'))?.id;
    expect(autoId).toBeTruthy();
    const ag = await caller.analysis.agreement({ a: 'human:Bea', b: autoId!, clipIds: [CLIP] });
    const h = ag.labels.find((l) => l.label === 'hallucination')!;
    expect(h.exact.totalA).toBe(1);
    expect(h.exact.matchedA).toBe(0);
    expect(h.kappa.n).toBeGreaterThan(0);
  }, 60_000);
});
