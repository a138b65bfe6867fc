/**
 * The LaTeX export compiles: Table 1 (the paper's and the leaderboards' rows, a lexical-judge
 * measured row with every mark) and Table 3 (check marks) through pdflatex. Skipped when pdflatex
 * is absent, except in CI (CI=true), where it fails: .ci/run installs Debian's TeX packages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ablationPaperRows, ABLATION_DEFS, ABLATION_GROUPS } from './ablations';
import { toLatex } from './export';
import { measuredJudge } from './model';
import { leaderboardRows, paperTable1Rows } from './reported';
import { leaderboardFiles } from './leaderboard-files.testutil';
import { table1Rows, table1View } from './table1';
import { buildView } from './view';

const hasPdflatex = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0;
const inCi = process.env.CI === 'true';

function compile(tex: string): { ok: boolean; log: string; fullLog: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'results-tex-'));
  try {
    writeFileSync(path.join(dir, 'table.tex'), tex);
    const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'table.tex'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    const fullLog = existsSync(path.join(dir, 'table.log')) ? readFileSync(path.join(dir, 'table.log'), 'latin1') : '';
    return { ok: r.status === 0 && existsSync(path.join(dir, 'table.pdf')), log: `${r.stdout}\n${r.stderr}`.slice(-3000), fullLog };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('LaTeX export compiles with pdflatex', () => {
  it('pdflatex is installed in CI', () => {
    if (inCi) expect(hasPdflatex, 'CI=true but pdflatex is missing: .ci/run installs texlive-latex-base and texlive-latex-recommended').toBe(true);
  });

  it.skipIf(!hasPdflatex)('Table 1 with reported, leaderboard and marked measured rows', () => {
    const judge = measuredJudge('lexical', 'lexical-judge-v2');
    const rows = table1Rows({ paper: paperTable1Rows(), leaderboards: leaderboardRows(leaderboardFiles()) }, [
      {
        evalRunId: 'e1',
        name: 'eval of my_model & co #1',
        status: 'succeeded',
        createdAt: '2026-01-01T00:00:00Z',
        modelName: 'My_Model 100% ~x^2 {v} · run',
        checkpointId: 'ck',
        checkpointStep: 4,
        trainedRunId: 'r1',
        trainedRunName: 'grpo',
        trainedOnBenchmarks: ['dream-1k'],
        benchmarks: ['dream-1k', 'vdc'],
        group: 'ours',
        results: [
          { benchmark: 'dream-1k', subset: 'overall', metric: 'f1', value: 31.25, judgeKind: judge.kind, judgeModel: judge.model, simulated: false, clips: 10, failedClips: 0, origin: 'measured' },
          { benchmark: 'vdc', subset: 'detailed', metric: 'accuracy', value: 40, judgeKind: judge.kind, judgeModel: judge.model, simulated: false, clips: 10, failedClips: 0, origin: 'measured' },
        ],
      },
    ]);
    const tex = toLatex(table1View(rows), { standalone: true, label: 'tab:main_results' });
    const r = compile(tex);
    expect(r.ok, r.log).toBe(true);
    // Table 1's 12 columns fit an article page (was: Overfull \hbox (342pt too wide)).
    expect(r.fullLog).not.toMatch(/Overfull \\hbox/);
  }, 120_000);

  it.skipIf(!hasPdflatex)('Table 1 with duplicate labels, a synthetic-sample and a partial row, non-ASCII names and a negative Δ fits the page', () => {
    const judge = measuredJudge('openai', 'Qwen2.5-72B-Instruct');
    const res = (benchmark: string, subset: string, metric: string, value: number, clips: number, sample: string | null = null) => ({ benchmark, subset, metric, value, judgeKind: judge.kind, judgeModel: judge.model, simulated: false, sample, clips, failedClips: 0, origin: 'imported' });
    const ev = (id: string, name: string, model: string, results: ReturnType<typeof res>[]) => ({
      evalRunId: id, name, status: 'succeeded', createdAt: `2026-01-0${id.length}T00:00:00Z`, modelName: model, checkpointId: null, checkpointStep: null, trainedRunId: null, trainedRunName: null,
      trainedOnBenchmarks: [], benchmarks: null, group: 'ours' as const, results,
    });
    const rows = table1Rows({ paper: paperTable1Rows(), leaderboards: leaderboardRows(leaderboardFiles()) }, [
      ev('e1', 'GPT-4o · dream-1k · file.jsonl – “naïve” café ≈ ±1 → Δ', 'Qwen2-VL-7B', [res('dream-1k', 'overall', 'f1', 20.1, 21), res('carebench', 'overall', 'object_recall', 50, 8, 'carebench synthetic sample')]),
      ev('e22', 'second eval 猫', 'Qwen2-VL-7B', [res('dream-1k', 'overall', 'f1', 31.2, 1000)]),
    ], { simulated: true });
    const tex = toLatex(table1View(rows, { deltaAll: true }), { standalone: true });
    const r = compile(tex);
    expect(r.ok, r.log).toBe(true);
    expect(r.fullLog).not.toMatch(/Overfull \\hbox/);
    expect(r.fullLog).not.toMatch(/Missing character/);
  }, 120_000);

  it.skipIf(!hasPdflatex)('Table 3 with check marks and AVG', () => {
    const def = ABLATION_DEFS.table3;
    const v = buildView(def.title, ablationPaperRows(def), def.columns, ABLATION_GROUPS, { baselineRowId: 'table3:paper:baseline', deltaGroups: 'all', flagColumns: def.flagColumns });
    const r = compile(toLatex(v, { standalone: true, groupHeaders: false }));
    expect(r.ok, r.log).toBe(true);
  }, 120_000);
});
