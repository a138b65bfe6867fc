/**
 * Results tables (Tables 1–4 of VideoCap-R1): reads for every signed-in viewer, the row group of a
 * measured row for researchers. Logic in server/services/results.ts, rules in core/results/.
 */
import { z } from 'zod';
import { ABLATION_TABLES } from '../../../core/results/ablations';
import { toCsvTable, toLatex, toMarkdown } from '../../../core/results/export';
import { ROW_GROUP_IDS } from '../../../core/results/model';
import { getAblationTable, getTable1, setRowGroup } from '../../services/results';
import { createTRPCRouter, researcherProcedure, viewerProcedure } from '../trpc';

const among = z.string().min(1).max(600).optional();
const table1Input = z.object({
  paper: z.boolean().optional(),
  leaderboards: z.boolean().optional(),
  simulated: z.boolean().optional(),
  among,
  /** Row id of the Δ baseline; '' = none; absent = the paper's Qwen2-VL-7B. */
  baseline: z.string().max(600).optional(),
  deltaAll: z.boolean().optional(),
});
const ablationInput = z.object({
  table: z.enum(ABLATION_TABLES),
  picks: z.record(z.string().max(100), z.string().min(1).max(200)).optional(),
  paper: z.boolean().optional(),
  among,
  baseline: z.string().max(600).optional(),
});

function exportAs(format: 'latex' | 'csv' | 'markdown', view: Parameters<typeof toLatex>[0], groupHeaders: boolean): string {
  if (format === 'latex') return toLatex(view, { groupHeaders });
  if (format === 'csv') return toCsvTable(view);
  return toMarkdown(view);
}

export const resultsRouter = createTRPCRouter({
  /** Table 1: reported rows (paper, leaderboards) and measured rows (one per evaluation run), ranked among comparable judges. */
  table1: viewerProcedure.input(table1Input.optional()).query(({ ctx, input }) => getTable1(ctx.db, input ?? {})),
  /** Table 2, 3 or 4 from runs whose configs match the preset of each row; `picks` overrides a row's evaluation. */
  ablation: viewerProcedure.input(ablationInput).query(({ ctx, input }) => getAblationTable(ctx.db, input.table, input)),
  /** A table as LaTeX (booktabs), CSV or Markdown, with the same options as the views. */
  export: viewerProcedure
    .input(z.object({ format: z.enum(['latex', 'csv', 'markdown']), table1: table1Input.optional(), ablation: ablationInput.optional() }))
    .query(async ({ ctx, input }) => {
      if (input.ablation) {
        const r = await getAblationTable(ctx.db, input.ablation.table, input.ablation);
        return { text: exportAs(input.format, r.view, true) };
      }
      const r = await getTable1(ctx.db, input.table1 ?? {});
      return { text: exportAs(input.format, r.view, true) };
    }),
  /** Chooses the Table 1 row group of an evaluation run's row. */
  setRowGroup: researcherProcedure
    .input(z.object({ evalRunId: z.string().min(1).max(200), group: z.enum(ROW_GROUP_IDS) }))
    .mutation(({ ctx, input }) => setRowGroup(ctx.db, { ...input, userId: ctx.actor.userId })),
});
