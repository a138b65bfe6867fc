/**
 * Reported rows of Table 1: the VideoCap-R1 paper's own rows (data/reference/videocap-r1-paper.json,
 * `table1`; "reproduced with official code" cells keep their asterisk) and the published
 * leaderboards (data/leaderboards/*.csv, see their SOURCE.md; groups in groups.json). Pure: the
 * caller passes the files' text.
 */
import { parseCsv } from '../csv';
import { PAPER } from '../paper';
import type { BenchmarkId } from '../eval/types';
import { isRowGroup, REPORTED_CLASS, TABLE1_COLUMNS, type Cell, type JudgeTag, type RowGroup, type TableRow } from './model';

export const PAPER_SOURCE = 'VideoCap-R1 paper (arXiv 2506.01725), Table 1';
export const PAPER_JUDGE: JudgeTag = { kind: 'paper', model: 'as reported in the VideoCap-R1 paper', label: 'reported in the VideoCap-R1 paper', classKey: REPORTED_CLASS };

/** Paper JSON key of each Table 1 column span → its columns (in the JSON's order) and reproduced flag. */
const PAPER_SPANS: { key: string; columns: string[]; reproducedKey: string }[] = [
  { key: 'dream1k_event', columns: ['dream-1k:f1', 'dream-1k:precision', 'dream-1k:recall'], reproducedKey: 'dream1k_reproduced' },
  { key: 'vdc', columns: ['vdc:accuracy', 'vdc:score'], reproducedKey: 'vdc_reproduced' },
  { key: 'carebench_action', columns: ['carebench:action_f1', 'carebench:action_precision', 'carebench:action_recall'], reproducedKey: 'carebench_reproduced' },
  { key: 'carebench_object', columns: ['carebench:object_f1', 'carebench:object_precision', 'carebench:object_recall'], reproducedKey: 'carebench_reproduced' },
];

const PAPER_GROUPS: Record<string, RowGroup> = { general: 'general', captioning: 'captioning', baseline: 'ours', ours: 'ours', proprietary: 'proprietary', 'open-large': 'open-large' };

function missing(columnId: string, reason: string): Cell {
  return { columnId, value: null, missingReason: reason, judge: null };
}

/** The paper's Table 1 rows; row ids `paper:<model>`. */
export function paperTable1Rows(paper: { table1: { rows: readonly Record<string, unknown>[] } } = PAPER): TableRow[] {
  return paper.table1.rows.map((raw) => {
    const model = String(raw.model);
    const cells: Record<string, Cell> = {};
    for (const span of PAPER_SPANS) {
      const values = raw[span.key] as number[] | undefined;
      const reproduced = raw[span.reproducedKey] === true;
      span.columns.forEach((columnId, i) => {
        const v = values?.[i];
        cells[columnId] =
          typeof v === 'number'
            ? { columnId, value: v, judge: PAPER_JUDGE, reproduced }
            : missing(columnId, values ? 'not printed in the paper' : `the paper's Table 1 reports no ${span.key.replace('_', ' ')} numbers for ${model}`);
      });
    }
    return { id: `paper:${model}`, label: model, group: PAPER_GROUPS[String(raw.group)] ?? 'general', origin: 'reported', source: PAPER_SOURCE, evalRunId: null, cells };
  });
}

export interface LeaderboardFiles {
  /** data/leaderboards/dream1k_leaderboard_partial.csv */
  dream1kCsv: string;
  /** data/leaderboards/carebench_captioning_leaderboard.csv */
  carebenchCsv: string;
  /** data/leaderboards/groups.json, parsed. */
  groups: { 'dream-1k': Record<string, string>; carebench: Record<string, string> };
}

export const DREAM1K_LEADERBOARD = {
  source: 'DREAM-1K leaderboard (tarsier-vlm.github.io @ 1a72cda, first 18 rows)',
  judge: { kind: 'leaderboard', model: 'not named on the page (AutoDQ default gpt-3.5-turbo-0125)', label: 'DREAM-1K leaderboard; judge not named (AutoDQ default gpt-3.5-turbo-0125)', classKey: REPORTED_CLASS } satisfies JudgeTag,
};
export const CAREBENCH_LEADERBOARD = {
  source: 'CAREBENCH leaderboard (carebench.github.io @ c26e6f7)',
  judge: { kind: 'leaderboard', model: 'DeepSeek-V3 (1226)', label: 'CAREBENCH leaderboard; judge DeepSeek-V3 (1226)', classKey: REPORTED_CLASS } satisfies JudgeTag,
};

function table(text: string, file: string): Record<string, string>[] {
  const rows = parseCsv(text).filter((r) => r.some((c) => c.trim() !== ''));
  const [header, ...body] = rows;
  if (!header) throw new Error(`${file}: empty file`);
  return body.map((r, i) => {
    if (r.length !== header.length) throw new Error(`${file}: line ${i + 2} has ${r.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]!]));
  });
}

function num(row: Record<string, string>, key: string, file: string): number {
  const v = Number(row[key]);
  if (row[key] === undefined || row[key]!.trim() === '' || !Number.isFinite(v)) throw new Error(`${file}: ${row.model ?? '?'}: column ${key} is not a number ("${row[key] ?? ''}")`);
  return v;
}

function otherBenchmarks(model: string, own: BenchmarkId, board: string): Record<string, Cell> {
  const cells: Record<string, Cell> = {};
  for (const c of TABLE1_COLUMNS) if (c.benchmark !== own) cells[c.id] = missing(c.id, `${model} is a row of the ${board}, which reports ${own} only`);
  return cells;
}

/** Rows of the two published leaderboards; ids `lb:dream-1k:<model>`, `lb:carebench:<model> <params>`. Errors name the file, model and column. */
export function leaderboardRows(files: LeaderboardFiles): TableRow[] {
  const out: TableRow[] = [];
  const groupOf = (board: 'dream-1k' | 'carebench', name: string, params: string): RowGroup => {
    const g = files.groups[board]?.[name];
    if (g && isRowGroup(g)) return g;
    if (params === '-' || params === '') return 'proprietary';
    const b = Number(/([\d.]+)\s*B/i.exec(params)?.[1] ?? NaN);
    return Number.isFinite(b) && b > 10 ? 'open-large' : 'general';
  };
  const dreamFile = 'data/leaderboards/dream1k_leaderboard_partial.csv';
  for (const r of table(files.dream1kCsv, dreamFile)) {
    const model = r.model!;
    const j = DREAM1K_LEADERBOARD.judge;
    out.push({
      id: `lb:dream-1k:${model}`,
      label: model,
      group: groupOf('dream-1k', model, r.llm_params ?? ''),
      origin: 'reported',
      source: `${DREAM1K_LEADERBOARD.source} · ${DREAM1K_LEADERBOARD.judge.label.replace(/^DREAM-1K leaderboard; /, '')}`,
      evalRunId: null,
      cells: {
        ...otherBenchmarks(model, 'dream-1k', 'DREAM-1K leaderboard'),
        'dream-1k:f1': { columnId: 'dream-1k:f1', value: num(r, 'overall_F1', dreamFile), judge: j },
        'dream-1k:precision': { columnId: 'dream-1k:precision', value: num(r, 'overall_P', dreamFile), judge: j },
        'dream-1k:recall': { columnId: 'dream-1k:recall', value: num(r, 'overall_R', dreamFile), judge: j },
      },
    });
  }
  const careFile = 'data/leaderboards/carebench_captioning_leaderboard.csv';
  for (const r of table(files.carebenchCsv, careFile)) {
    const name = `${r.model} ${r.params}`.trim();
    const j = CAREBENCH_LEADERBOARD.judge;
    const cells: Record<string, Cell> = { ...otherBenchmarks(name, 'carebench', 'CAREBENCH leaderboard') };
    for (const part of ['action', 'object'] as const) {
      cells[`carebench:${part}_f1`] = { columnId: `carebench:${part}_f1`, value: num(r, `overall_${part}_F1`, careFile), judge: j };
      cells[`carebench:${part}_precision`] = { columnId: `carebench:${part}_precision`, value: num(r, `overall_${part}_P`, careFile), judge: j };
      cells[`carebench:${part}_recall`] = { columnId: `carebench:${part}_recall`, value: num(r, `overall_${part}_R`, careFile), judge: j };
    }
    out.push({ id: `lb:carebench:${name}`, label: `${r.model}-${r.params}`, group: groupOf('carebench', name, r.params ?? ''), origin: 'reported', source: `${CAREBENCH_LEADERBOARD.source} · ${CAREBENCH_LEADERBOARD.judge.label.replace(/^CAREBENCH leaderboard; /, '')}`, evalRunId: null, cells });
  }
  return out;
}

/** The paper's Tables 2–4 rows (values in the JSON's column order), for the switchable reported group. */
export function paperAblationRows(tableKey: 'table2_sft_vs_rl' | 'table3_reward_ablation' | 'table4_thinking_ablation'): { model: string; columns: string[]; values: number[]; rewards?: string[] }[] {
  const t = (PAPER as unknown as Record<string, { columns: string[]; rows: { model: string; values: number[]; rewards?: string[] }[] }>)[tableKey]!;
  return t.rows.map((r) => ({ model: r.model, columns: t.columns, values: r.values, rewards: r.rewards }));
}
