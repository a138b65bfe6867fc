import { describe, expect, it } from 'vitest';
import { leaderboardRows, paperTable1Rows } from './reported';
import { leaderboardFiles } from './leaderboard-files.testutil';
import { ablationPaperRows, ABLATION_DEFS } from './ablations';


describe('paper rows', () => {
  it('maps the paper JSON onto the columns, keeps the asterisks and the groups', () => {
    const rows = paperTable1Rows();
    const r1 = rows.find((r) => r.id === 'paper:VideoCap-R1')!;
    expect(r1.group).toBe('ours');
    expect(r1.cells['dream-1k:f1']!.value).toBe(34.2);
    expect(r1.cells['dream-1k:recall']!.value).toBe(34.7);
    expect(r1.cells['vdc:score']!.value).toBe(2.4);
    expect(r1.cells['carebench:object_recall']!.value).toBe(25.9);
    const sgpt = rows.find((r) => r.id === 'paper:ShareGPT4Video-8B')!;
    expect(sgpt.group).toBe('captioning');
    expect(sgpt.cells['dream-1k:f1']!.reproduced).toBe(true);
    expect(sgpt.cells['vdc:accuracy']!.reproduced).toBe(false);
    expect(sgpt.cells['carebench:action_f1']!.reproduced).toBe(true);
    const llava = rows.find((r) => r.id === 'paper:LLaVA-OV-7B')!;
    expect(llava.cells['carebench:action_f1']!.value).toBeNull();
    expect(llava.cells['carebench:action_f1']!.missingReason).toMatch(/reports no carebench action numbers/);
    expect(rows.find((r) => r.id === 'paper:Qwen2-VL-7B')!.group).toBe('ours');
  });
});

describe('leaderboard rows', () => {
  it('parses both leaderboards with their sources and judges (CAREBENCH columns are F1, R, P)', () => {
    const rows = leaderboardRows(leaderboardFiles());
    expect(rows.filter((r) => r.id.startsWith('lb:dream-1k:'))).toHaveLength(18);
    expect(rows.filter((r) => r.id.startsWith('lb:carebench:'))).toHaveLength(10);
    const gpt4o = rows.find((r) => r.id === 'lb:dream-1k:GPT-4o')!;
    expect(gpt4o.group).toBe('proprietary');
    expect([gpt4o.cells['dream-1k:f1']!.value, gpt4o.cells['dream-1k:precision']!.value, gpt4o.cells['dream-1k:recall']!.value]).toEqual([38.3, 43.3, 34.4]);
    expect(gpt4o.cells['dream-1k:f1']!.judge!.label).toMatch(/judge not named/);
    expect(gpt4o.cells['vdc:accuracy']!.value).toBeNull();
    const care = rows.find((r) => r.id === 'lb:carebench:CaRe 7B')!;
    expect(care.group).toBe('captioning');
    expect(care.cells['carebench:action_f1']!.value).toBe(35.1);
    expect(care.cells['carebench:action_recall']!.value).toBe(26.6);
    expect(care.cells['carebench:action_precision']!.value).toBe(51.4);
    expect(care.cells['carebench:object_f1']!.judge!.model).toBe('DeepSeek-V3 (1226)');
    expect(rows.find((r) => r.id === 'lb:carebench:Qwen2-VL 72B')!.group).toBe('open-large');
  });
  it('names the file, model and column of a bad number', () => {
    const files = leaderboardFiles();
    files.dream1kCsv = files.dream1kCsv.replace('38.3,43.3', 'n/a,43.3');
    expect(() => leaderboardRows(files)).toThrow(/dream1k_leaderboard_partial\.csv: GPT-4o: column overall_F1 is not a number/);
  });
});

describe('paper ablation rows', () => {
  it('Table 2 AVG as printed; Table 4 AVG computed from the percent columns', () => {
    const t2 = ablationPaperRows(ABLATION_DEFS.table2);
    expect(t2.find((r) => r.id === 'table2:paper:grpo')!.cells.avg!.value).toBe(36.7);
    const t4 = ablationPaperRows(ABLATION_DEFS.table4);
    const s = t4.find((r) => r.id === 'table4:paper:structured')!;
    expect(s.cells['vdc:score']!.value).toBe(2.4);
    expect(s.cells.avg!.value).toBeCloseTo((34.2 + 43.8 + 34.4 + 34.3) / 4, 10);
    const t3 = ablationPaperRows(ABLATION_DEFS.table3);
    expect(t3.find((r) => r.id === 'table3:paper:tscore-cnscore')!.flags).toEqual({ tscore: true, cnscore: true, escore: false });
  });
});
