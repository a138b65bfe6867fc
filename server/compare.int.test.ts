/**
 * Integration (issue 13): caption sources — import, re-import keeping or flagging spans — the
 * annotation rules (author / admin / viewer, automatic spans), and the clip video route over real
 * HTTP: ranges, and refusal (404) of every path outside VIDEO_ROOT.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from './api/root';
import { db } from './db';
import { asAnonymous, authHeaders, createTestUser } from './testing/auth';
import { startTestApp, type TestApp } from './testing/http-app';

const admin = createCaller({ db: db(), headers: new Headers() });
const sfx = randomBytes(4).toString('hex');
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

const jsonl = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('caption sources', () => {
  it('imports a single-model JSONL; a re-import keeps spans of unchanged captions and flags those of changed ones, never shifting them', async () => {
    const model = `ModelX-${sfx}`;
    const first = await admin.captionSource.import({
      fileName: 'modelx.jsonl',
      benchmark: 'dream-1k',
      model,
      text: jsonl([
        { vid: 1, caption: 'A man in a red coat walks a dog.' },
        { id: 'dream-1k/2', caption: 'Two cats sleep on a sofa.' },
        { vid: 999999, caption: 'not a clip' },
      ]),
    });
    expect(first.sources).toHaveLength(1);
    expect(first.sources[0]).toMatchObject({ model, name: `${model} · dream-1k`, new: true, created: 2, unchanged: 0, changed: 0 });
    expect(first.report.sources[0]!.unknownIds).toEqual({ count: 1, ids: ['999999'] });
    const sourceId = first.sources[0]!.id;
    const caps = await db().caption.findMany({ where: { sourceId }, orderBy: { clipId: 'asc' } });
    expect(caps.map((c) => c.clipId)).toEqual(['dream-1k/1', 'dream-1k/2']);
    expect(caps[0]!.textHash).toMatch(/^[0-9a-f]{64}$/);

    const s1 = await admin.annotation.create({ captionId: caps[0]!.id, start: 9, end: 19, label: 'hallucination' });
    expect(s1).toMatchObject({ text: 'a red coat', origin: 'human', status: 'accepted', needsReview: false });
    const s2 = await admin.annotation.create({ captionId: caps[1]!.id, start: 0, end: 8, label: 'accurate' });
    expect(s2.text).toBe('Two cats');

    const again = await admin.captionSource.import({
      fileName: 'modelx-v2.jsonl',
      benchmark: 'dream-1k',
      model,
      text: jsonl([
        { vid: 1, caption: 'A man in a red coat walks a dog.' },
        { vid: 2, caption: 'Three cats sleep on a sofa.' },
        { vid: 3, caption: 'New caption.' },
      ]),
    });
    expect(again.sources[0]).toMatchObject({ id: sourceId, new: false, created: 1, unchanged: 1, changed: 1, spansFlagged: 1 });
    const after1 = await db().spanAnnotation.findUniqueOrThrow({ where: { id: s1.id } });
    const after2 = await db().spanAnnotation.findUniqueOrThrow({ where: { id: s2.id } });
    expect(after1).toMatchObject({ start: 9, end: 19, needsReview: false });
    expect(after2).toMatchObject({ start: 0, end: 8, text: 'Two cats', needsReview: true });
    expect((await db().caption.findUniqueOrThrow({ where: { id: caps[1]!.id } })).text).toBe('Three cats sleep on a sofa.');

    // the view shows the flag; the author keeps the span after checking it
    const view = await admin.captionSource.clip({ id: 'dream-1k/2', sourceIds: [sourceId] });
    expect(view.captions[0]!.spans.map((s) => [s.id, s.needsReview])).toEqual([[s2.id, true]]);
    expect((await admin.annotation.update({ id: s2.id, needsReview: false })).needsReview).toBe(false);
  });

  it('refuses a single-model file without a model name and a file without captions, naming the file', async () => {
    await expect(admin.captionSource.import({ fileName: 'x.jsonl', benchmark: 'dream-1k', text: jsonl([{ vid: 1, caption: 'x' }]) })).rejects.toThrow(/x\.jsonl: a jsonl file holds one model's captions: give the model's name/);
    await expect(admin.captionSource.import({ fileName: 'bad.jsonl', benchmark: 'dream-1k', model: 'M', text: 'not json\n' })).rejects.toThrow(/bad\.jsonl: no usable prediction/);
  });

  it('the multi-model sample becomes one source per model (the "Human" reference skipped); importing it again changes nothing', async () => {
    const text = readFileSync(path.resolve(__dirname, '..', 'data', 'model-captions', 'dream1k-explorer-sample.jsonl'), 'utf8');
    const r = await admin.captionSource.import({ fileName: 'dream1k-explorer-sample.jsonl', benchmark: 'dream-1k', text });
    expect(r.sources.map((s) => s.model).sort()).toEqual(['GPT-4o', 'Gemini 1.5 Pro', 'Qwen2-VL-7B', 'Tarsier2-7B']);
    expect(r.skippedModels).toEqual(['Human']);
    // the seed imported it already: nothing new, nothing changed
    for (const s of r.sources) expect(s).toMatchObject({ created: 0, changed: 0, unchanged: 21 });
    const view = await admin.captionSource.clip({ id: 'dream-1k/563' });
    const gemini = view.captions.find((c) => c.source.model === 'Gemini 1.5 Pro');
    expect(gemini?.text).toBe('<error>');
    expect(view.clip.subset).toBe('DREAM/vertical_video');
    expect(view.clip.events.length).toBeGreaterThan(0);
    const list = await admin.captionSource.clips({ benchmark: 'dream-1k', subset: 'DREAM/videvo', captioned: true });
    expect(list.ids).toEqual(['dream-1k/797', 'dream-1k/798', 'dream-1k/799', 'dream-1k/800']);
    const search = await admin.captionSource.clips({ q: 'hazmat', captioned: true });
    expect(search.ids).toContain('dream-1k/1');
  });

  it('registers the benchmark reference as a source', async () => {
    const r = await admin.captionSource.registerReference({ benchmark: 'carebench' });
    expect(r.name).toBe('Reference · carebench');
    const again = await admin.captionSource.registerReference({ benchmark: 'carebench' });
    expect(again).toMatchObject({ created: 0, changed: 0, unchanged: r.created + r.unchanged });
  });
});

describe('evaluation uploads and the reference', () => {
  const sample = () => readFileSync(path.resolve(__dirname, '..', 'data', 'model-captions', 'dream1k-explorer-sample.jsonl'), 'utf8');

  it('an upload of the explorer sample reuses the imported models\' sources and never makes "Human" a model source', async () => {
    const sourcesBefore = await db().captionSource.count();
    const up = await admin.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'dream1k-explorer-sample.jsonl', text: sample() });
    expect(up.sources.map((s) => s.name).sort()).toEqual(['GPT-4o · dream-1k', 'Gemini 1.5 Pro · dream-1k', 'Qwen2-VL-7B · dream-1k', 'Tarsier2-7B · dream-1k']);
    expect(up.sources.every((s) => s.reused)).toBe(true);
    expect(up.skippedModels).toEqual(['Human']);
    expect(up.report.sources.map((s) => s.model)).not.toContain('Human');
    await admin.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'dream1k-explorer-sample.jsonl', text: sample() });
    expect(await db().captionSource.count()).toBe(sourcesBefore); // two uploads, no new source
    expect(await db().captionSource.count({ where: { name: { startsWith: 'Human · ' } } })).toBe(0);
    const view = await admin.captionSource.clip({ id: 'dream-1k/563' });
    const names = view.captions.map((c) => c.source.model ?? c.source.name);
    expect(names.filter((n) => n === 'GPT-4o')).toHaveLength(1);
    expect(names.some((n) => n.startsWith('Human'))).toBe(false);
  });

  it('a new model\'s upload makes one source, and the same file again reuses it', async () => {
    const text = jsonl([
      { vid: 11, caption: `A cook flips a pancake ${sfx}.` },
      { vid: 12, caption: `A dog runs ${sfx}.` },
    ]);
    const first = await admin.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: `new-${sfx}.jsonl`, text });
    expect(first.sources).toHaveLength(1);
    expect(first.sources[0]).toMatchObject({ reused: false, captions: 2, model: `new-${sfx}.jsonl` });
    const again = await admin.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: `new-${sfx}.jsonl`, text });
    expect(again.sources[0]).toMatchObject({ id: first.sources[0]!.id, reused: true });
  });

  it('a "Human · …" source stored by an upload before uploads skipped the reference is not shown as a model', async () => {
    const legacy = await db().captionSource.create({ data: { name: `Human · dream-1k · old-${sfx}.jsonl · 2026-11-30T00:00:00.000Z`, kind: 'imported' } });
    await db().caption.create({ data: { sourceId: legacy.id, clipId: 'dream-1k/563', text: 'The man in a black short-sleeved shirt walks towards the camera.' } });
    const view = await admin.captionSource.clip({ id: 'dream-1k/563' });
    expect(view.captions.map((c) => c.source.id)).not.toContain(legacy.id);
    // picked explicitly, it is still shown (nothing stored is hidden from a deliberate request)
    const picked = await admin.captionSource.clip({ id: 'dream-1k/563', sourceIds: [legacy.id] });
    expect(picked.captions.map((c) => c.source.id)).toEqual([legacy.id]);
  });

  it('a file holding only the reference is refused, naming it', async () => {
    const text = jsonl([{ idx: 1, descriptions: { Human: 'A man walks.' } }]);
    await expect(admin.eval.uploadPredictions({ benchmark: 'dream-1k', fileName: 'human.jsonl', text })).rejects.toThrow(/human\.jsonl: only the benchmark's reference \(Human\) is in the file/);
  });

  it('the analysis refuses the reference: it is what claims are judged against', async () => {
    const ref = await admin.captionSource.registerReference({ benchmark: 'dream-1k' });
    await expect(admin.analysis.launch({ config: { pairs: [{ clipId: 'dream-1k/1', sourceId: ref.id }] } })).rejects.toThrow(/Reference · dream-1k is the benchmark's reference/);
  });
});

describe('videocap import-captions', () => {
  it('imports a file through the HTTP API with the API token, and names what is wrong', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vc-cli-'));
    const file = path.join(dir, 'cli-model.jsonl');
    writeFileSync(file, jsonl([{ vid: 3, caption: 'A dog runs.' }, { vid: 4, caption: '<error>' }, { vid: 424242, caption: 'no such clip' }]));
    // async: the test app answers from this process
    const cli = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.resolve(__dirname, '..', 'bin', 'videocap.mjs'), 'import-captions', ...args], {
          env: { ...process.env, VIDEOCAP_SERVER_URL: app.url },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        child.on('exit', (status) => resolve({ status, stdout, stderr }));
      });
    const model = `CLI-${sfx}`;
    const ok = await cli([file, '--model', model, '--benchmark', 'dream-1k']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`created source "${model} · dream-1k" \\(\\w+\\): 2 new, 0 unchanged, 0 changed caption\\(s\\)`));
    expect(ok.stderr).toMatch(/1 caption\(s\) for clips not in dream-1k: 424242/);
    expect(ok.stderr).toMatch(/1 "<error>" and 0 empty caption\(s\)/);
    const again = await cli([file, '--model', model]);
    expect(again.stdout).toMatch(/updated source .*: 0 new, 2 unchanged, 0 changed/);
    const noModel = await cli([file]);
    expect(noModel.status).toBe(1);
    expect(noModel.stderr).toMatch(/import rejected: cli-model\.jsonl: a jsonl file holds one model's captions: give the model's name .*\n\s+model: required/);
    // A file that cannot be read exits 1, as in `videocap eval` (2 is for option errors: README "The `videocap` CLI").
    const missing = await cli([path.join(dir, 'nope.jsonl')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.jsonl/);
  });
});

describe('annotation rules', () => {
  it('viewers read; annotators write their own spans; only the author or an admin edits a human span; automatic spans are reviewed', async () => {
    const [ann1, ann2, viewer] = [await createTestUser('annotator', 'cmp_a'), await createTestUser('annotator', 'cmp_b'), await createTestUser('viewer', 'cmp_v')];
    const as = (t: string) => createCaller({ db: db(), headers: authHeaders(t) });
    const source = await db().captionSource.create({ data: { name: `rules-${sfx}`, kind: 'imported', model: 'Rules' } });
    const caption = await db().caption.create({ data: { sourceId: source.id, clipId: 'dream-1k/5', text: 'A woman opens a blue door and waves.' } });

    const span = await as(ann1.token).annotation.create({ captionId: caption.id, start: 16, end: 25, label: 'hallucination' });
    expect(span).toMatchObject({ authorId: ann1.id, text: 'blue door', origin: 'human' });
    expect(span.authorName).not.toBe('');
    await expect(as(ann1.token).annotation.create({ captionId: caption.id, start: 30, end: 99, label: 'accurate' })).rejects.toThrow(/past the end of the caption \(length 36\)/);
    await expect(as(ann1.token).annotation.create({ captionId: caption.id, start: 0, end: 5, label: 'note' })).rejects.toThrow(/a note needs a comment/);
    await expect(as(viewer.token).annotation.create({ captionId: caption.id, start: 0, end: 5, label: 'accurate' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await as(viewer.token).annotation.list({ captionId: caption.id })).map((s) => s.id)).toEqual([span.id]);

    await expect(as(ann2.token).annotation.update({ id: span.id, label: 'accurate' })).rejects.toThrow(/only the author .* or an admin may change this span/);
    await expect(as(ann2.token).annotation.delete({ id: span.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await as(ann1.token).annotation.update({ id: span.id, label: 'unique' })).label).toBe('unique');
    expect((await as(ann1.token).annotation.update({ id: span.id, label: 'note', note: 'door colour unclear' })).note).toBe('door colour unclear');

    // undo of a delete re-creates the span with its id
    await as(ann1.token).annotation.delete({ id: span.id });
    const restored = await as(ann1.token).annotation.create({ id: span.id, captionId: caption.id, start: 16, end: 25, label: 'note', note: 'door colour unclear' });
    expect(restored.id).toBe(span.id);
    await expect(as(ann1.token).annotation.create({ id: span.id, captionId: caption.id, start: 16, end: 25, label: 'accurate' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await admin.annotation.delete({ id: span.id })).id).toBe(span.id); // an admin may

    const auto = await db().spanAnnotation.create({
      data: { captionId: caption.id, start: 2, end: 7, label: 'accurate', origin: 'auto', status: 'suggested', text: 'woman', judgeModel: 'lexical', judgeKind: 'lexical', claim: 'a woman' },
    });
    await expect(as(ann2.token).annotation.update({ id: auto.id, label: 'hallucination' })).rejects.toThrow(/accepted or rejected, not relabelled/);
    expect((await as(ann2.token).annotation.review({ id: auto.id, status: 'rejected' })).status).toBe('rejected');
    await expect(as(viewer.token).annotation.review({ id: auto.id, status: 'accepted' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(ann2.token).annotation.delete({ id: auto.id })).rejects.toThrow(/only an admin deletes automatic spans/);
    await admin.annotation.delete({ id: auto.id });
  });
});

describe('clip video route', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'vc-video-'));
  const root = path.join(base, 'videos');
  const outside = path.join(base, 'outside');
  const bytes = randomBytes(5000);
  const ids: Record<string, string> = {};
  let previousRoot: string | undefined;

  beforeAll(async () => {
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(path.join(root, 'ok.mp4'), bytes);
    writeFileSync(path.join(root, 'conv.mp4'), bytes.subarray(0, 100));
    writeFileSync(path.join(root, 'notes.txt'), 'not a video');
    writeFileSync(path.join(outside, 'secret.mp4'), 'secret bytes');
    symlinkSync(path.join(outside, 'secret.mp4'), path.join(root, 'link.mp4'));
    previousRoot = process.env.VIDEO_ROOT;
    process.env.VIDEO_ROOT = root;
    const ds = await db().dataset.create({ data: { name: `video-route-${sfx}`, kind: 'train' } });
    const clips: [string, string | null][] = [
      ['ok', path.join(root, 'ok.mp4')],
      ['conv', null],
      ['outside', path.join(outside, 'secret.mp4')],
      ['dotdot', `${root}/../outside/secret.mp4`],
      ['relative-dotdot', '../outside/secret.mp4'],
      ['symlink', path.join(root, 'link.mp4')],
      ['notvideo', path.join(root, 'notes.txt')],
      ['../outside/secret', null],
    ];
    for (const [ext, videoPath] of clips) {
      const id = `vtest-${sfx}/${ext}`;
      ids[ext] = id;
      await db().clip.create({ data: { id, datasetId: ds.id, externalId: ext, videoPath } });
    }
  });
  afterAll(() => {
    if (previousRoot === undefined) delete process.env.VIDEO_ROOT;
    else process.env.VIDEO_ROOT = previousRoot;
  });

  const get = (clip: string, headers: Record<string, string> = {}) => fetch(`${app.url}/api/clip-video?clip=${encodeURIComponent(clip)}`, { headers });

  it('serves a file inside VIDEO_ROOT whole and by ranges', async () => {
    const whole = await get(ids.ok!);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await get(ids.ok!, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/5000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const tail = await get(ids.ok!, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(4990))).toBe(true);

    const bad = await get(ids.ok!, { range: 'bytes=6000-' });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */5000');

    const conventional = await get(ids.conv!); // <VIDEO_ROOT>/<externalId>.mp4
    expect(conventional.status).toBe(200);
    expect((await conventional.arrayBuffer()).byteLength).toBe(100);
  });

  it('refuses with 404 a path outside the folder, "..", a symlink out of it, a non-video file and encoded traversal', async () => {
    for (const k of ['outside', 'dotdot', 'relative-dotdot', 'symlink', 'notvideo', '../outside/secret']) {
      const r = await get(ids[k]!);
      expect(r.status, k).toBe(404);
      const body = await r.text();
      expect(body, k).not.toContain('secret bytes');
    }
    for (const raw of ['..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%252F..%252Fetc%252Fpasswd', `${encodeURIComponent(ids.ok!)}%2F..%2F..%2Foutside%2Fsecret.mp4`]) {
      const r = await fetch(`${app.url}/api/clip-video?clip=${raw}`);
      expect(r.status, raw).toBe(404);
    }
    const r = await fetch(`${app.url}/api/clip-video/..%2F..%2Fetc%2Fpasswd`);
    expect(r.status).toBe(404);
  });

  it('says why when no folder is configured, and needs a signed-in caller', async () => {
    delete process.env.VIDEO_ROOT;
    const r = await get(ids.ok!);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toMatch(/set VIDEO_ROOT/);
    process.env.VIDEO_ROOT = root;
    const anon = asAnonymous();
    try {
      expect((await get(ids.ok!)).status).toBe(401);
    } finally {
      anon.restore();
    }
  });
});
