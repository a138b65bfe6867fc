/**
 * Seed: the DREAM-1K annotations (shipped in data/dream-1k) as a dataset with clips, and the paper's
 * reported Table 1 numbers as `reported` eval results. Idempotent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../server/db';
import { createDb } from '../server/db';
import { Prisma } from '../server/generated/prisma/client';
import { loadDream1k, DREAM1K_ANNOTATION_SOURCE } from '../gpu-runner/datasets/dream1k';
import { loadVdc } from '../gpu-runner/datasets/vdc';
import { CAREBENCH_SAMPLE_LABEL, loadCarebench } from '../gpu-runner/datasets/carebench';
import { importCaptions } from '../server/services/caption-sources';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODEL_CAPTIONS_FILE = 'dream1k-explorer-sample.jsonl';

/** VDC clips (QA sets shipped in data/vdc) and the synthetic CAREBENCH sample, so evaluations can store per-clip records. */
export async function seedEvalBenchmarks(db: Db): Promise<number> {
  const vdc = await db.dataset.upsert({
    where: { name: 'vdc' },
    update: { kind: 'benchmark', benchmarks: ['vdc'] },
    create: {
      name: 'vdc',
      kind: 'benchmark',
      benchmarks: ['vdc'],
      description: 'VDC: VDCSCORE question/answer sets (detailed, main_object); captions and videos not included',
      source: 'github.com/rese1f/aurora post_eval/{detailed,main_object}.jsonl @ 2bf68d5 (Apache-2.0)',
    },
  });
  const qaSets = { detailed: loadVdc('detailed'), main_object: loadVdc('main_object') };
  const byId = new Map<string, { videoId: string; questions: Record<string, number> }>();
  for (const [set, clips] of Object.entries(qaSets)) {
    for (const c of clips) {
      const e = byId.get(c.id) ?? { videoId: c.videoId, questions: {} };
      e.questions[set] = c.qas.length;
      byId.set(c.id, e);
    }
  }
  const a = await db.clip.createMany({
    skipDuplicates: true,
    data: [...byId].map(([id, e]) => ({ id, datasetId: vdc.id, externalId: e.videoId, benchmarks: ['vdc'], metadata: { vdcQuestions: e.questions } })),
  });
  const care = await db.dataset.upsert({
    where: { name: 'carebench-sample' },
    update: { kind: 'benchmark', benchmarks: ['carebench'] },
    create: { name: 'carebench-sample', kind: 'benchmark', benchmarks: ['carebench'], description: CAREBENCH_SAMPLE_LABEL, source: 'data/carebench/sample.json (written for this repository)' },
  });
  const b = await db.clip.createMany({
    skipDuplicates: true,
    data: loadCarebench().map((c) => ({
      id: c.id,
      datasetId: care.id,
      externalId: c.video,
      referenceCaption: c.reference,
      events: c.events ?? [],
      objects: c.objects ?? [],
      benchmarks: ['carebench'],
      metadata: { synthetic: true, category: c.category, subcategory: c.subcategory },
    })),
  });
  return a.count + b.count;
}

/**
 * Real models' captions on DREAM-1K clips (data/model-captions, else ../shared/benchmarks/model-captions
 * when present) as four caption sources — GPT-4o, Gemini 1.5 Pro, Tarsier2-7B, Qwen2-VL-7B — for the
 * caption comparison view. Idempotent: re-importing an unchanged file changes nothing.
 */
export async function seedModelCaptions(db: Db): Promise<number> {
  const candidates = [path.join(ROOT, 'data', 'model-captions', MODEL_CAPTIONS_FILE), path.join(ROOT, '..', 'shared', 'benchmarks', 'model-captions', MODEL_CAPTIONS_FILE)];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return 0;
  const r = await importCaptions(db, { text: readFileSync(file, 'utf8'), fileName: MODEL_CAPTIONS_FILE, benchmark: 'dream-1k' });
  return r.sources.reduce((n, s) => n + s.created, 0);
}

export async function seed(db: Db): Promise<{ clips: number; staleReportedRemoved: number }> {
  const dataset = await db.dataset.upsert({
    where: { name: 'dream-1k' },
    update: { kind: 'benchmark', benchmarks: ['dream-1k'] },
    create: {
      name: 'dream-1k',
      kind: 'benchmark',
      benchmarks: ['dream-1k'],
      description: 'DREAM-1K: 1000 clips with human reference captions and atomic events (videos not included)',
      source: 'github.com/bytedance/tarsier data/annotations/DREAM-1k.jsonl @ 63de87a (Apache-2.0)',
    },
  });
  const clips = loadDream1k({});
  const videoRoot = process.env.VIDEO_ROOT;
  const created = await db.clip.createMany({
    skipDuplicates: true,
    data: clips.map((c) => ({
      id: c.id,
      datasetId: dataset.id,
      externalId: c.id.split('/').pop()!,
      referenceCaption: c.referenceCaption,
      events: c.events,
      think: (c.think ?? undefined) as Prisma.InputJsonValue | undefined,
      thinkSource: c.think ? DREAM1K_ANNOTATION_SOURCE : null,
      videoPath: videoRoot ? path.join(videoRoot, `${c.id.split('/').pop()}.mp4`) : null,
      durationSec: c.durationSec ?? null,
      benchmarks: ['dream-1k'],
      metadata: { subset: c.subset },
    })),
  });
  // Databases seeded before clips carried their subset get it now (the comparison view filters on it).
  const bySubset = new Map<string, string[]>();
  for (const c of clips) bySubset.set(c.subset, [...(bySubset.get(c.subset) ?? []), c.id]);
  for (const [subset, ids] of bySubset) {
    await db.clip.updateMany({ where: { id: { in: ids }, metadata: { equals: Prisma.DbNull } }, data: { metadata: { subset } } });
  }
  await seedModelCaptions(db);
  const evalClips = await seedEvalBenchmarks(db);
  // The paper's and the leaderboards' numbers are read from data/ by the results pages
  // (core/results/reported.ts); databases seeded by earlier versions stored Table 1 here as
  // origin "reported" rows under metric names nothing reads any more — remove them.
  const stale = await db.evalResult.deleteMany({ where: { origin: 'reported', runId: null, checkpointId: null } });
  return { clips: created.count + evalClips, staleReportedRemoved: stale.count };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL must be set');
    process.exit(2);
  }
  const db = createDb(url);
  const r = await seed(db);
  console.log(`seeded: ${r.clips} new clips${r.staleReportedRemoved ? `, ${r.staleReportedRemoved} stale reported rows removed` : ''}`);
  await db.$disconnect();
}
