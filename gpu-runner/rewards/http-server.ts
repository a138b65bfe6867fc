/**
 * The runner's reward endpoint for the ms-swift plugin (gpu-runner/plugins/videocap_reward.py).
 *
 *   POST /v1/score   Authorization: Bearer <token>
 *   { "component": "tscore", "completions": [...], "step": 3, "num_generations": 7,
 *     "clip_id": [...], "reference_caption": [...], "reference_think": [...], "reference_events": [...],
 *     "solution": [...], "completion_length": [...] }
 *   → 200 { "scores": [0.42, null, ...] }   (null: the component could not be computed for that completion)
 *
 * ms-swift calls every reward function separately with the same batch
 * (swift/rl_core/grpo_algorithm.py `compute_rewards_per_func`). The first request for a batch scores all
 * configured components at once and records the rollouts; the other functions' requests are answered
 * from the cache. So each completion is scored once and recorded once.
 *
 * Groups: ms-swift orders a generation batch as G consecutive completions per prompt (TRL's RepeatSampler,
 * `rewards.view(-1, num_generations)` in swift/rl_core/advantage.py), but each rank scores only its slice, so a
 * group can straddle two requests. Completions are therefore grouped by (step, clip_id) and a group is emitted
 * once it holds G completions (or when a later step starts, or on close).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { GRPO_EPSILON, groupAdvantages } from '../../core/grpo';
import { REWARD_COMPONENTS, type RewardComponent, type RolloutRecord, type ThinkSubject } from '../../core/types';
import type { RewardOptions, RewardRequestItem, RewardResultItem, RewardService } from './types';

export interface RewardHttpServerOptions {
  rewardService: RewardService;
  options: RewardOptions;
  /** Completed groups, each completion exactly once. Errors thrown here are reported through onError. */
  onRollouts: (rows: RolloutRecord[]) => void | Promise<void>;
  onError: (message: string) => void;
  /**
   * Called synchronously when a batch has been scored, before its groups are complete. Lets a caller that
   * also reads the trainer's own completion log skip what this server will record.
   */
  onScored?: (items: { step: number; clipId: string | null; completion: string }[]) => void;
  /**
   * Called after every scored batch with the number of judge-based components the batch left out
   * because the judge failed (0 included), and the first reasons; the caller sums them per step into
   * the `judge_failures` metric.
   */
  onJudgeFailures?: (step: number, count: number, reasons: string[]) => void;
  /** Required bearer token. */
  token: string;
  port?: number;
  host?: string;
  /** Largest accepted body (default 64 MiB). */
  maxBodyBytes?: number;
}

export interface RewardHttpServer {
  url: string;
  /** Waits (≤ 10 s) for batches being scored, emits groups still waiting for members, then stops listening. */
  close(): Promise<void>;
}

const thinkSubjectSchema = z.object({
  subject: z.string(),
  attributes: z.array(z.string()),
  actions: z.array(z.string()),
});
const thinkListSchema = z.array(thinkSubjectSchema).nullable();
const eventsSchema = z.array(z.string()).nullable();

const nullableStrings = z.array(z.string().nullable());

export const scorePayloadSchema = z
  .object({
    component: z.enum(REWARD_COMPONENTS),
    completions: z.array(z.string()).min(1, 'completions must not be empty').max(100_000),
    step: z.number().int().min(0).nullable().optional(),
    num_generations: z.number().int().min(1).max(1024).nullable().optional(),
    clip_id: nullableStrings.optional(),
    reference_caption: nullableStrings.optional(),
    solution: nullableStrings.optional(),
    /** JSON string (as written by the dataset writer), a list of subjects, or null. */
    reference_think: z.array(z.union([z.string(), z.array(z.unknown()), z.null()])).optional(),
    reference_events: z.array(z.union([z.string(), z.array(z.unknown()), z.null()])).optional(),
    completion_length: z.array(z.number().int().min(0).nullable()).optional(),
  })
  .superRefine((p, ctx) => {
    const n = p.completions.length;
    for (const key of ['clip_id', 'reference_caption', 'solution', 'reference_think', 'reference_events', 'completion_length'] as const) {
      const col = p[key];
      if (col && col.length !== n) {
        ctx.addIssue({ code: 'custom', path: [key], message: `has ${col.length} entries, completions has ${n}` });
      }
    }
  });
export type ScorePayload = z.infer<typeof scorePayloadSchema>;

class PayloadError extends Error {}

function decodeJsonColumn<T>(
  value: string | unknown[] | null | undefined,
  schema: z.ZodType<T>,
  where: string,
): T | null {
  if (value === null || value === undefined) return null;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return null;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new PayloadError(`${where}: not valid JSON`);
    }
  }
  const r = schema.safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PayloadError(`${where}${issue.path.length ? '.' + issue.path.join('.') : ''}: ${issue.message}`);
  }
  return r.data;
}

interface ScoredBatch {
  results: RewardResultItem[];
}

interface PendingMember {
  result: RewardResultItem;
  completion: string;
  length: number;
}

interface PendingGroup {
  step: number;
  clipId: string;
  groupIndex: number;
  expected: number | null;
  members: PendingMember[];
}

function wordCount(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk instanceof Buffer ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const CACHE_LIMIT = 256;

export async function startRewardHttpServer(opts: RewardHttpServerOptions): Promise<RewardHttpServer> {
  const configured = new Set<RewardComponent>(opts.options.rewards.map((r) => r.name));
  const weights = new Map(opts.options.rewards.map((r) => [r.name, r.weight]));
  const batches = new Map<string, Promise<ScoredBatch>>();
  const pending = new Map<string, PendingGroup>();
  const groupCounters = new Map<number, number>();
  let stepCounter = 0;
  let latestStep = -1;
  let emitChain: Promise<void> = Promise.resolve();

  const emit = (rows: RolloutRecord[]) => {
    if (rows.length === 0) return;
    emitChain = emitChain
      .then(() => opts.onRollouts(rows))
      .catch((err: unknown) => opts.onError(`recording rollouts failed: ${err instanceof Error ? err.message : String(err)}`));
  };

  const finishGroup = (key: string, group: PendingGroup) => {
    pending.delete(key);
    const advantages = groupAdvantages(group.members.map((m) => m.result.reward), GRPO_EPSILON);
    const incomplete = group.expected !== null && group.members.length < group.expected;
    emit(
      group.members.map((m, sampleIndex) => ({
        step: group.step,
        clipId: group.clipId,
        groupIndex: group.groupIndex,
        sampleIndex,
        completion: m.completion,
        think: m.result.think,
        answer: m.result.answer,
        rewards: m.result.rewards,
        reward: m.result.reward,
        advantage: advantages[sampleIndex],
        length: m.length,
        breakdown: {
          ...m.result.breakdown,
          ...(m.result.errors?.length ? { errors: m.result.errors } : {}),
          ...(incomplete ? { incompleteGroup: { size: group.members.length, expected: group.expected } } : {}),
        },
      })),
    );
  };

  const flushBefore = (step: number) => {
    for (const [key, g] of [...pending]) if (g.step < step) finishGroup(key, g);
  };

  const record = (payload: ScorePayload, step: number, batchKey: string, results: RewardResultItem[]) => {
    if (step > latestStep) {
      flushBefore(step);
      latestStep = step;
    }
    const G = payload.num_generations ?? null;
    results.forEach((result, i) => {
      const clipId =
        payload.clip_id?.[i] ?? (G ? `batch-${batchKey.slice(0, 12)}-${Math.floor(i / G)}` : `batch-${batchKey.slice(0, 12)}`);
      // A full group is emitted and removed at once, so the same clip twice in one step starts a new group.
      const key = `${step}\u0000${clipId}`;
      let group = pending.get(key);
      if (!group) {
        const groupIndex = groupCounters.get(step) ?? 0;
        groupCounters.set(step, groupIndex + 1);
        group = { step, clipId, groupIndex, expected: G, members: [] };
        pending.set(key, group);
      }
      group.members.push({
        result,
        completion: payload.completions[i],
        length: payload.completion_length?.[i] ?? wordCount(payload.completions[i]),
      });
      if (G !== null && group.members.length >= G) finishGroup(key, group);
    });
    // Without a group size nothing more can arrive for these groups: emit what the batch holds.
    if (G === null) for (const [key, g] of [...pending]) if (g.expected === null) finishGroup(key, g);
  };

  const scoreBatch = async (payload: ScorePayload, batchKey: string): Promise<ScoredBatch> => {
    const items: RewardRequestItem[] = payload.completions.map((completion, i) => ({
      id: `${batchKey.slice(0, 16)}:${i}`,
      completion,
      referenceThink: decodeJsonColumn<ThinkSubject[] | null>(payload.reference_think?.[i], thinkListSchema, `reference_think[${i}]`),
      referenceCaption: payload.reference_caption?.[i] ?? payload.solution?.[i] ?? null,
      referenceEvents: decodeJsonColumn<string[] | null>(payload.reference_events?.[i], eventsSchema, `reference_events[${i}]`),
    }));
    const results = await opts.rewardService.score(items, opts.options);
    if (results.length !== items.length) {
      throw new Error(`reward service returned ${results.length} results for ${items.length} completions`);
    }
    const step = payload.step ?? stepCounter++;
    opts.onScored?.(payload.completions.map((completion, i) => ({ step, clipId: payload.clip_id?.[i] ?? null, completion })));
    record(payload, step, batchKey, results);
    const failures = results.reduce((a, r) => a + (r.judgeFailures ?? 0), 0);
    opts.onJudgeFailures?.(
      step,
      failures,
      results
        .filter((r) => r.judgeFailures)
        .flatMap((r) => (r.errors ?? []).filter((e) => e.startsWith('escore:') || e.startsWith('cnscore:')))
        .slice(0, 3),
    );
    return { results };
  };

  const handleScore = async (req: IncomingMessage, res: ServerResponse) => {
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      send(res, 401, { error: 'missing or wrong bearer token' });
      return;
    }
    const limit = opts.maxBodyBytes ?? 64 * 1024 * 1024;
    const body = await readBody(req, limit);
    if (body === null) {
      send(res, 413, { error: `body larger than ${limit} bytes` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      send(res, 400, { error: `body is not JSON: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const parsed = scorePayloadSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
      send(res, 400, { error: `invalid payload: ${issues.join('; ')}`, issues });
      return;
    }
    const payload = parsed.data;
    if (!configured.has(payload.component)) {
      send(res, 400, {
        error: `component "${payload.component}" is not configured for this run (configured: ${[...configured].join(', ')})`,
      });
      return;
    }
    const batchKey = createHash('sha256')
      .update(JSON.stringify([payload.step ?? null, payload.clip_id ?? null, payload.completions]))
      .digest('hex');
    let batch = batches.get(batchKey);
    if (!batch) {
      batch = scoreBatch(payload, batchKey);
      batches.set(batchKey, batch);
      batch.catch(() => batches.delete(batchKey)); // a failed batch may be retried
      while (batches.size > CACHE_LIMIT) batches.delete(batches.keys().next().value as string);
    }
    try {
      const { results } = await batch;
      const scores = results.map((r) => {
        const v = r.rewards[payload.component];
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      });
      send(res, 200, { scores });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PayloadError) {
        send(res, 400, { error: `invalid payload: ${message}` });
        return;
      }
      opts.onError(`scoring ${payload.completions.length} completions failed: ${message}`);
      send(res, 502, { error: `reward service failed: ${message}` });
    }
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/health') {
      send(res, 200, { status: 'ok', components: [...configured], weights: Object.fromEntries(weights) });
      return;
    }
    if (path === '/v1/score') {
      if (req.method !== 'POST') {
        send(res, 405, { error: 'use POST' });
        return;
      }
      handleScore(req, res).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        opts.onError(`reward endpoint error: ${message}`);
        if (!res.headersSent) send(res, 500, { error: message });
      });
      return;
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${address.port}`,
    async close() {
      // Let batches being scored finish (bounded: a hanging judge must not hold up a cancel).
      await Promise.race([Promise.allSettled([...batches.values()]), new Promise((r) => setTimeout(r, 10_000).unref())]);
      for (const [key, g] of [...pending]) finishGroup(key, g);
      await emitChain;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
