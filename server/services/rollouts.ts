/** Rollout browsing: keyset pagination on (step, id) with filters that use the (runId, step, …) indexes. */
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { NotFoundError, ValidationError } from './errors';

export interface RolloutListInput {
  runId: string;
  step?: number;
  stepMin?: number;
  stepMax?: number;
  clipId?: string;
  rewardMin?: number;
  rewardMax?: number;
  formatFailures?: boolean;
  advantageSign?: 'positive' | 'negative' | 'zero';
  /** Sort key (keyset-paginated with the row id as tie-breaker). */
  sort?: RolloutSort;
  order?: 'asc' | 'desc';
  cursor?: string | null;
  limit: number;
}

const listSelect = {
  id: true,
  step: true,
  clipId: true,
  groupIndex: true,
  sampleIndex: true,
  completion: true,
  answer: true,
  formatScore: true,
  thinkScore: true,
  escore: true,
  cnscore: true,
  reward: true,
  advantage: true,
  length: true,
} satisfies Prisma.RolloutSelect;

/** Ids leave the server as strings, steps as numbers (BIGINT in the database, exact below 2^53). */
function serialise<T extends { id: bigint; step: bigint }>(row: T): Omit<T, 'id' | 'step'> & { id: string; step: number } {
  return { ...row, id: row.id.toString(), step: Number(row.step) };
}

export const ROLLOUT_SORTS = ['step', 'reward', 'advantage', 'length'] as const;
export type RolloutSort = (typeof ROLLOUT_SORTS)[number];

/** Cursor = "<sort value>:<id>" of the last row seen (indexes (runId, <sort>, id) serve each sort). */
export async function listRollouts(db: Db, input: RolloutListInput) {
  const desc = input.order === 'desc';
  const sort: RolloutSort = input.sort ?? 'step';
  let cursorWhere: Prisma.RolloutWhereInput = {};
  if (input.cursor) {
    const m = /^(-?[0-9.eE+-]+):(\d+)$/.exec(input.cursor);
    const value = m ? Number(m[1]) : NaN;
    if (!m || !Number.isFinite(value)) throw new ValidationError(`cursor "${input.cursor}" is not of the form <value>:<id>`, { cursor: 'malformed' });
    const id = BigInt(m[2]!);
    cursorWhere = desc
      ? { OR: [{ [sort]: { lt: value } }, { [sort]: value, id: { lt: id } }] }
      : { OR: [{ [sort]: { gt: value } }, { [sort]: value, id: { gt: id } }] };
  }
  const where: Prisma.RolloutWhereInput = {
    runId: input.runId,
    ...(input.step !== undefined ? { step: input.step } : {}),
    ...(input.stepMin !== undefined || input.stepMax !== undefined
      ? { step: { ...(input.stepMin !== undefined ? { gte: input.stepMin } : {}), ...(input.stepMax !== undefined ? { lte: input.stepMax } : {}) } }
      : {}),
    ...(input.clipId ? { clipId: input.clipId } : {}),
    ...(input.rewardMin !== undefined || input.rewardMax !== undefined
      ? { reward: { ...(input.rewardMin !== undefined ? { gte: input.rewardMin } : {}), ...(input.rewardMax !== undefined ? { lte: input.rewardMax } : {}) } }
      : {}),
    ...(input.formatFailures ? { formatScore: { lt: 1 } } : {}),
    ...(input.advantageSign === 'positive' ? { advantage: { gt: 0 } } : {}),
    ...(input.advantageSign === 'negative' ? { advantage: { lt: 0 } } : {}),
    ...(input.advantageSign === 'zero' ? { advantage: 0 } : {}),
    AND: [cursorWhere],
  };
  const rows = await db.rollout.findMany({
    where,
    orderBy: [{ [sort]: desc ? 'desc' : 'asc' }, { id: desc ? 'desc' : 'asc' }],
    take: input.limit + 1,
    select: listSelect,
  });
  const hasMore = rows.length > input.limit;
  const items = (hasMore ? rows.slice(0, input.limit) : rows).map(serialise);
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? `${last[sort]}:${last.id}` : null };
}

/** The G completions of one prompt at one step, side by side (one group: the clip's groups of that step when groupIndex is left out). */
export async function rolloutGroup(db: Db, runId: string, step: number, clipId: string, groupIndex?: number) {
  const rows = await db.rollout.findMany({
    where: { runId, step, clipId, ...(groupIndex !== undefined ? { groupIndex } : {}) },
    orderBy: [{ groupIndex: 'asc' }, { sampleIndex: 'asc' }],
  });
  return rows.map(serialise);
}

export async function getRollout(db: Db, id: string) {
  const row = await db.rollout.findUnique({ where: { id: BigInt(id) } });
  if (!row) throw new NotFoundError(`rollout ${id} does not exist`);
  const clip = await db.clip.findUnique({ where: { id: row.clipId } });
  return { ...serialise(row), clip };
}

/** Groups (step, group, clip) of a run, newest step first, for the group browser. */
export async function listGroups(db: Db, runId: string, step: number | undefined, limit: number) {
  const rows = await db.$queryRaw<{ step: number; groupIndex: number; clipId: string; n: bigint; mean: number; best: number; fmt: number }[]>`
    SELECT step::float8 AS step, "groupIndex", "clipId", count(*) AS n, avg(reward)::float8 AS mean, max(reward)::float8 AS best, avg(coalesce("formatScore", 1))::float8 AS fmt
    FROM "Rollout" WHERE "runId" = ${runId} ${step !== undefined ? Prisma.sql`AND step = ${step}` : Prisma.empty}
    GROUP BY "Rollout".step, "groupIndex", "clipId" ORDER BY 1 DESC, "groupIndex", "clipId" LIMIT ${limit}`;
  return rows.map((r) => ({ step: r.step, groupIndex: r.groupIndex, clipId: r.clipId, samples: Number(r.n), meanReward: r.mean, bestReward: r.best, formatRate: r.fmt }));
}

/** The same clip across steps: one representative (best-reward) sample per step. */
export async function clipAcrossSteps(db: Db, runId: string, clipId: string, limit: number) {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT DISTINCT ON (step) id FROM "Rollout" WHERE "runId" = ${runId} AND "clipId" = ${clipId}
    ORDER BY step, reward DESC, "sampleIndex" LIMIT ${limit}`;
  const full = await db.rollout.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { step: 'asc' } });
  return full.map(serialise);
}
