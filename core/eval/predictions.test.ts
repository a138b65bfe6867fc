import { describe, expect, it } from 'vitest';
import { isBenchmarkReference, parsePredictions, PredictionsFileError, referenceSkippedMessage, resolveCarebenchId, resolveDream1kId, resolveVdcId, withoutReferenceSources } from './predictions';

const clipIds = ['dream-1k/1', 'dream-1k/2', 'dream-1k/3', 'dream-1k/4'];
const opts = { resolveId: resolveDream1kId, clipIds };

describe('parsePredictions', () => {
  it('JSONL {id|vid|video_id, caption}: unknown ids, duplicates (first kept), missing, empty and <error> captions are reported, the rest kept', () => {
    const text = [
      '{"vid": 1, "caption": "A man walks."}',
      '{"id": "dream-1k/2", "caption": ""}',
      '{"video_id": "2", "caption": "second copy"}',
      '{"id": 999, "caption": "not a clip"}',
      'not json',
      '{"vid": 3, "caption": "<error>"}',
      '{"vid": 4}',
      '',
    ].join('\n');
    const { sources, report } = parsePredictions(text, opts);
    expect(report.format).toBe('jsonl');
    expect(report.records).toBe(7);
    expect(report.malformed.count).toBe(2);
    expect(report.malformed.first.map((m) => m.where)).toEqual(['line 5', 'line 7']);
    expect(report.malformed.first[1].error).toBe('"caption" must be a string (missing)');
    expect([...sources[0].captions]).toEqual([
      ['dream-1k/1', 'A man walks.'],
      ['dream-1k/2', ''],
      ['dream-1k/3', '<error>'],
    ]);
    expect(report.sources[0]).toMatchObject({
      evaluated: 3,
      unknownIds: { count: 1, ids: ['999'] },
      duplicates: { count: 1, ids: ['dream-1k/2'] },
      missing: { count: 1, ids: ['dream-1k/4'] },
      emptyCaptions: { count: 1, ids: ['dream-1k/2'] },
      errorCaptions: { count: 1, ids: ['dream-1k/3'] },
    });
  });

  it('clip ids that are video file names match with or without the extension (CAREBENCH "synthetic_0001.mp4")', () => {
    const care = { resolveId: resolveCarebenchId, clipIds: ['carebench/synthetic_0001.mp4', 'carebench/synthetic_0002.mp4', 'carebench/plain_id'] };
    const text = ['{"id": "synthetic_0001", "caption": "A man jogs."}', '{"id": "synthetic_0002.mp4", "caption": "A dog runs."}', '{"id": "plain_id", "caption": "A cat sits."}', '{"id": "nope", "caption": "?"}'].join('\n');
    const { sources, report } = parsePredictions(text, care);
    expect([...sources[0].captions.keys()]).toEqual(['carebench/synthetic_0001.mp4', 'carebench/synthetic_0002.mp4', 'carebench/plain_id']);
    expect(report.sources[0].unknownIds.ids).toEqual(['nope']);
  });

  it('multi-model layout: one source per model, or only --model', () => {
    const text = [
      JSON.stringify({ idx: 1, dream_subset: 'DREAM/x', descriptions: { Human: 'h1', 'GPT-4o': 'g1' } }),
      JSON.stringify({ idx: 2, dream_subset: 'DREAM/x', descriptions: { Human: 'h2', 'GPT-4o': '<error>' } }),
    ].join('\n');
    const all = parsePredictions(text, opts);
    expect(all.report.format).toBe('multi-model');
    expect(all.sources.map((s) => [s.model, s.captions.size])).toEqual([['Human', 2], ['GPT-4o', 2]]);
    expect(all.report.sources[1].errorCaptions.ids).toEqual(['dream-1k/2']);
    const one = parsePredictions(text, { ...opts, model: 'GPT-4o' });
    expect(one.sources.map((s) => s.model)).toEqual(['GPT-4o']);
    expect(() => parsePredictions(text, { ...opts, model: 'Gemini' })).toThrow(/model "Gemini" is not in the file \(models: Human, GPT-4o\)/);
  });

  it('lmms-eval samples: a JSON list (process_vdc_result.py) or JSON lines; caption = resps[0][0]', () => {
    const list = JSON.stringify([
      { doc: { video_id: 'abc' }, resps: [['cap abc']] },
      { doc: { video_name: 'def' }, filtered_resps: ['cap def'] },
      { doc: {}, resps: [['no id']] },
    ]);
    const r = parsePredictions(list, { resolveId: resolveVdcId, clipIds: ['vdc/abc', 'vdc/def', 'vdc/ghi'] });
    expect(r.report.format).toBe('lmms-eval');
    expect([...r.sources[0].captions]).toEqual([['vdc/abc', 'cap abc'], ['vdc/def', 'cap def']]);
    expect(r.report.malformed.first[0].error).toMatch(/no clip id in "doc"/);
    expect(r.report.sources[0].missing.ids).toEqual(['vdc/ghi']);
    const lines = '{"doc_id": 0, "doc": {"video_id": "abc"}, "resps": [["x"]], "filtered_resps": ["x"]}\n';
    expect(parsePredictions(lines, { resolveId: resolveVdcId, clipIds: ['vdc/abc'] }).report.format).toBe('lmms-eval');
  });

  it('a file with no usable prediction is an error that says why', () => {
    expect(() => parsePredictions('hello\nworld', opts)).toThrow(PredictionsFileError);
    expect(() => parsePredictions('hello\nworld', opts)).toThrow(/no usable prediction in the file .*line 1: not JSON/);
    expect(() => parsePredictions('[1, 2', opts)).toThrow(/starts with "\[" but is not a JSON list/);
  });
});

describe('the benchmark reference in a multi-model file (one rule for caption imports, eval uploads and `videocap eval`)', () => {
  const text = [
    JSON.stringify({ idx: 1, descriptions: { Human: 'h1', 'GPT-4o': 'g1', gt: 'x' } }),
    JSON.stringify({ idx: 2, descriptions: { Human: 'h2', 'GPT-4o': 'g2', gt: 'y' } }),
  ].join('\n');

  it('"Human" / "GT" / "Reference" / "Ground truth" (any case) of a multi-model file are the reference, unless asked for by name', () => {
    expect(isBenchmarkReference('multi-model', 'Human')).toBe(true);
    expect(isBenchmarkReference('multi-model', ' ground truth ')).toBe(true);
    expect(isBenchmarkReference('multi-model', 'GPT-4o')).toBe(false);
    expect(isBenchmarkReference('multi-model', 'Human', 'Human')).toBe(false);
    expect(isBenchmarkReference('jsonl', 'Human')).toBe(false);
    expect(isBenchmarkReference('multi-model', null)).toBe(false);
  });

  it('withoutReferenceSources keeps sources and their reports paired, and names what it skipped', () => {
    const parsed = parsePredictions(text, opts);
    const kept = withoutReferenceSources(parsed);
    expect(kept.sources.map((s) => s.model)).toEqual(['GPT-4o']);
    expect(kept.reports.map((r) => r.model)).toEqual(['GPT-4o']);
    expect(kept.skippedModels).toEqual(['Human', 'gt']);
    expect(referenceSkippedMessage(kept.skippedModels)).toBe("skipped Human, gt (the benchmark's reference, shown beside every clip)");
    expect(referenceSkippedMessage([])).toBe('');
    const asked = withoutReferenceSources(parsePredictions(text, { ...opts, model: 'Human' }), 'Human');
    expect(asked.sources.map((s) => s.model)).toEqual(['Human']);
    expect(asked.skippedModels).toEqual([]);
  });
});
