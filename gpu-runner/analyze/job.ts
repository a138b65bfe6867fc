/**
 * An analyze run on a runner (`Run.kind = "analyze"`, queued on the local queue: it needs no GPU):
 *  1. reads its config and the captions to analyse from the server (GET /api/ingest/runs/:id/analysis-inputs);
 *  2. analyses each caption (./analyze.ts) through one JudgeClient — the offline lexical judge by
 *     default (named as such in the log, on the stored analysis and on every span), or an
 *     OpenAI-compatible judge whose replies go through the PostgreSQL judge cache;
 *  3. posts each caption's claims, verdicts, labels and spans (POST /api/ingest/runs/:id/analysis);
 *     the server replaces that caption's previous analysis and its auto suggestions nobody accepted
 *     or rejected. A caption whose judge step fails after the retries is reported failed, not stored.
 */
import { analysisInputsSchema, type AnalysisReport } from '../../core/compare/analysis';
import { CAREBENCH_PROMPT_VERSION } from '../../core/eval/carebench';
import { DREAM1K_PROMPT_VERSION } from '../../core/eval/dream1k';
import { createLimiter } from '../providers/http';
import { JudgeClient } from '../providers/judge-client';
import type { ServerClient } from '../server-client';
import { judgeForConfig } from '../eval/judge-setup';
import { ServerJudgeStore } from '../eval/judge-store';
import { StepFailure } from '../eval/scorers';
import { analyzeCaption } from './analyze';

export interface AnalyzeJobDeps {
  runId: string;
  client: ServerClient;
  log: (lines: string[]) => Promise<void> | void;
  progress: (done: number, total: number) => void;
  signal: AbortSignal;
  env?: Record<string, string | undefined>;
}

export function analyzePromptVersion(benchmark: string | null): string {
  return `${benchmark === 'carebench' ? CAREBENCH_PROMPT_VERSION : benchmark === 'dream-1k' ? DREAM1K_PROMPT_VERSION : `${DREAM1K_PROMPT_VERSION}+carebench-objects`}+analyze-v1`;
}

export async function runAnalyzeJob(deps: AnalyzeJobDeps): Promise<Record<string, number | string>> {
  const { client, runId } = deps;
  const inputs = analysisInputsSchema.parse(await client.withRetry(() => client.request('GET', `/api/ingest/runs/${encodeURIComponent(runId)}/analysis-inputs`)));
  const { config, items } = inputs;
  if (inputs.missing.length > 0) {
    await deps.log([`${inputs.missing.length} (clip, source) pairs have no stored caption and are not analysed: ${inputs.missing.slice(0, 10).map((m) => `${m.clipId}@${m.sourceId}`).join(', ')}${inputs.missing.length > 10 ? ', …' : ''}`]);
  }
  const judge = judgeForConfig(config.judge, config.concurrency, deps.env ?? process.env);
  const store = judge.kind === 'lexical' ? null : new ServerJudgeStore(client);
  const jc = new JudgeClient(judge, { attempts: config.attempts, store });
  await deps.log([
    `analysing ${items.length} captions; judge: ${judge.kind === 'lexical' ? `offline lexical judge ${judge.model} (an approximation of an LLM judge)` : `${judge.model} @ ${judge.endpoint} (persistent PostgreSQL cache)`}; baseline source: ${config.baselineSourceId ?? 'none'}`,
  ]);
  const post = (body: AnalysisReport) => client.withRetry(() => client.request('POST', `/api/ingest/runs/${encodeURIComponent(runId)}/analysis`, body), 5 * 60_000);
  const limit = createLimiter(Math.max(1, Math.ceil(config.concurrency / 2)));
  let done = 0;
  let failed = 0;
  let claims = 0;
  let hallucinated = 0;
  deps.progress(0, items.length);
  await Promise.all(
    items.map((item) =>
      limit(async () => {
        if (deps.signal.aborted) return;
        try {
          const result = await analyzeCaption(jc, item);
          claims += result.length;
          hallucinated += result.filter((c) => c.label === 'hallucination').length;
          await post({ results: [{ captionId: item.captionId, textHash: item.textHash, failed: false, judge: { kind: judge.kind, model: judge.model, promptVersion: analyzePromptVersion(item.benchmark) }, claims: result }] });
        } catch (e) {
          if (!(e instanceof StepFailure)) throw e;
          failed++;
          await deps.log([`${item.clipId} (${item.sourceName}): ${e.message}`]);
          await post({ results: [{ captionId: item.captionId, failed: true, reason: e.message }] });
        }
        done++;
        deps.progress(done, items.length);
      }),
    ),
  );
  await store?.flush();
  if (deps.signal.aborted) throw new Error('analysis cancelled');
  return {
    captions: items.length,
    failed_captions: failed,
    missing_captions: inputs.missing.length,
    claims,
    hallucinated_claims: hallucinated,
    hallucination_rate: claims > 0 ? Math.round((hallucinated / claims) * 1000) / 1000 : 0,
    judge: `${judge.kind}:${judge.model}`,
    judge_calls_made: jc.counters.made,
    judge_calls_cached: jc.counters.cached,
  };
}
