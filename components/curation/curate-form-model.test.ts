import { describe, expect, it } from 'vitest';
import { buildCurateConfig, initialCurateForm } from './curate-form-model';

describe('curate launch form model', () => {
  it('starts from the schema defaults (10–30 s, threshold rule, 1,500 clips)', () => {
    const s = initialCurateForm();
    expect([s.minSec, s.maxSec, s.rule, s.targetSize, s.order, s.actionKey]).toEqual(['10', '30', 'threshold', '1500', 'dynamicity-desc', 'verb']);
  });
  it('builds a folder config with numbers parsed and the top share as a fraction', () => {
    const r = buildCurateConfig({ ...initialCurateForm(), name: ' c1 ', videoDir: '/v', captionsPath: '/c.jsonl', rule: 'top-share', topSharePercent: '25', targetSize: '100' });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.name).toBe('c1');
      expect(r.config.source).toEqual({ kind: 'folder', videoDir: '/v', captionsPath: '/c.jsonl' });
      expect(r.config.dynamicity).toMatchObject({ rule: 'top-share', topShare: 0.25 });
      expect(r.config.actionFilter.targetSize).toBe(100);
      expect(r.config.output.datasetName).toBeUndefined();
    }
  });
  it('names each wrong field with the server\'s keys', () => {
    const r = buildCurateConfig({ ...initialCurateForm(), name: '', videoDir: '', captionsPath: '/c', minSec: '40', maxSec: '30', threshold: 'x', targetSize: '0' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toMatchObject({
        name: 'name is required',
        'config.source.videoDir': 'the videos folder is required',
        'config.dynamicity.threshold': expect.any(String),
        'config.actionFilter.targetSize': expect.any(String),
      });
    }
    const order = buildCurateConfig({ ...initialCurateForm(), name: 'n', videoDir: '/v', captionsPath: '/c', minSec: '40', maxSec: '30' });
    expect(!order.ok && order.errors['config.duration.minSec']).toBe('minSec must be ≤ maxSec');
  });
});

describe('curateFormFromConfig (cloning a curate run)', () => {
  it('fills the form from the run\'s config so that building it gives the same settings, output name left empty', async () => {
    const { curateFormFromConfig } = await import('./curate-form-model');
    const config = {
      source: { kind: 'dataset', dataset: 'recap-train' },
      duration: { minSec: 5, maxSec: 40 },
      dynamicity: { rule: 'top-share', topShare: 0.25 },
      actionFilter: { order: 'input', targetSize: 300, actionKey: 'phrase' },
      output: { datasetName: 'curated-300' },
    };
    const f = curateFormFromConfig('curate-1', config);
    expect(f).toMatchObject({ name: 'curate-1 (clone)', sourceKind: 'dataset', dataset: 'recap-train', minSec: '5', maxSec: '40', rule: 'top-share', topSharePercent: '25', order: 'input', targetSize: '300', actionKey: 'phrase', datasetName: '' });
    const built = buildCurateConfig(f!);
    expect(built.ok && built.config.source).toEqual({ kind: 'dataset', dataset: 'recap-train' });
    expect(built.ok && built.config.dynamicity.topShare).toBe(0.25);
    expect(curateFormFromConfig('x', { benchmarks: ['dream-1k'] })).toBeNull();
  });
});
