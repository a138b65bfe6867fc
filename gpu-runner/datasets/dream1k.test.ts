import { describe, expect, it } from 'vitest';
import { HEURISTIC_THINK_SOURCE } from '../../core/heuristic-think';
import { formatStructuredThink } from '../../core/think';
import { createLexicalEmbedder } from '../providers/lexical-embedder';
import { createLexicalJudge } from '../providers/lexical-judge';
import { createRewardService } from '../rewards/service';
import { DEFAULT_DREAM1K_PATH, loadDream1k, parseDream1k, thinkCoverage } from './dream1k';

describe('loadDream1k', () => {
  it('reads the repository copy of DREAM-1K with heuristic think annotations', () => {
    expect(DEFAULT_DREAM1K_PATH).toMatch(/data\/dream-1k\/DREAM-1k\.jsonl$/);
    const clips = loadDream1k();
    expect(clips).toHaveLength(1000);
    const first = clips[0];
    expect(first.id).toBe('dream-1k/1');
    expect(first.subset).toBe('DREAM/movie_animation');
    expect(first.referenceCaption).toMatch(/^A character emerges from smoke and fire/);
    expect(first.events).toHaveLength(5);
    expect(first.durationSec).toBeCloseTo(5.09);
    expect(first.videoPath).toBeNull();
    expect(first.annotationSource).toBe(HEURISTIC_THINK_SOURCE);
    expect(first.think?.[0].subject).toBe('Character');
    expect(new Set(clips.map((c) => c.id)).size).toBe(1000);
    const coverage = thinkCoverage(clips);
    expect(coverage.withSubjectAndAction).toBeGreaterThanOrEqual(990);
  }, 30_000); // ~0.7 s idle; generous for a loaded CI machine

  it('honours limit and names the line of a malformed record', () => {
    expect(loadDream1k({ limit: 5 }).map((c) => c.id)).toEqual(['dream-1k/1', 'dream-1k/2', 'dream-1k/3', 'dream-1k/4', 'dream-1k/5']);
    expect(() => parseDream1k('{"vid": 1}\n', { source: 'x.jsonl' })).toThrow(/x\.jsonl line 1: .*dataset/);
    expect(() => parseDream1k('\nnot json\n')).toThrow(/line 2: not JSON/);
    expect(() => loadDream1k({ path: '/nonexistent/dream.jsonl' })).toThrow(/cannot read DREAM-1K annotations/);
  });
});

describe('a verbatim copy of a DREAM-1K reference think', () => {
  it('scores Tscore exactly 1 for every annotated clip, through the reward service (issue 8, item 1)', async () => {
    const clips = loadDream1k().filter((c) => c.think !== null && c.think.length > 0);
    expect(clips.length).toBeGreaterThanOrEqual(990);
    // Many clips have a subject without attributes: empty-vs-empty must count as a perfect match.
    expect(clips.some((c) => c.think!.some((s) => s.attributes.length === 0))).toBe(true);
    const service = createRewardService({ embedder: createLexicalEmbedder(), judge: createLexicalJudge() });
    const items = clips.map((c) => ({
      id: c.id,
      completion: `<think>\n${formatStructuredThink(c.think!)}\n</think>\n<answer>\n${c.referenceCaption}\n</answer>`,
      referenceThink: c.think,
    }));
    const results = await service.score(items, { rewards: [{ name: 'format', weight: 1 }, { name: 'tscore', weight: 1 }], simThreshold: 0.5, escoreThresholds: [0.28, 0.35] });
    const below = results.filter((r) => r.rewards.tscore !== 1).map((r) => `${r.id}: ${r.rewards.tscore} ${JSON.stringify(r.breakdown.parse)}`);
    expect(below).toEqual([]);
    expect(results.every((r) => r.rewards.format === 1)).toBe(true);
  }, 60_000);
});
