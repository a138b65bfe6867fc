import { describe, expect, it } from 'vitest';
import type { RunnerHeartbeat } from './jobs';
import { queueCoverage, runAttention, runnerCommand } from './runner-status';

const hb = (id: string, backends: ('local' | 'swift')[], gpus = 0): RunnerHeartbeat => ({
  id,
  host: 'h',
  pid: 1,
  backends,
  gpus,
  slots: 1,
  freeSlots: 1,
  activeRunIds: [],
  startedAt: 0,
  at: 0,
});
const run = (over: Partial<{ status: string; kind: string; backend: string; runnerId: string | null; config: unknown }> = {}) => ({
  status: 'queued',
  kind: 'grpo',
  backend: 'local',
  runnerId: null,
  config: {},
  ...over,
});

describe('queueCoverage', () => {
  it('names every (kind, backend) queue with the runners that consume it', () => {
    const q = queueCoverage([hb('a', ['local']), hb('b', ['local', 'swift'], 8)]);
    expect(q.find((x) => x.queue === 'grpo/local')).toMatchObject({ runners: 2, maxGpus: 8 });
    expect(q.find((x) => x.queue === 'eval/swift')).toMatchObject({ runners: 1, maxGpus: 8 });
    expect(queueCoverage([]).every((x) => x.runners === 0)).toBe(true);
    expect(queueCoverage([]).map((x) => x.queue)).toEqual(['grpo/local', 'grpo/swift', 'sft/local', 'sft/swift', 'eval/local', 'eval/swift', 'curate/local', 'analyze/local']);
  });
});

describe('runAttention', () => {
  it('a queued run whose queue no live runner consumes says so, with the command that starts one', () => {
    const a = runAttention(run({ backend: 'swift' }), [hb('a', ['local'])]);
    expect(a).toMatchObject({ kind: 'no-runner', queue: 'grpo/swift', command: 'RUNNER_BACKENDS=swift RUNNER_GPUS=8 npx videocap runner' });
    expect(a!.message).toMatch(/^grpo\/swift: no runner connected/);
    expect(runAttention(run(), [])).toMatchObject({ kind: 'no-runner', command: 'RUNNER_BACKENDS=local npx videocap runner' });
    expect(runnerCommand('swift', 4)).toBe('RUNNER_BACKENDS=swift RUNNER_GPUS=4 npx videocap runner');
  });

  it('a queued swift run that no connected runner has the GPUs for says so', () => {
    const a = runAttention(run({ backend: 'swift', config: { swift: { trainDevices: '0,1,2', rolloutDevice: '3' } } }), [hb('s', ['swift'], 1)]);
    expect(a).toMatchObject({ kind: 'too-few-gpus', needed: 4, largest: 1 });
    expect(runAttention(run({ backend: 'swift', config: { swift: { trainDevices: '0,1,2', rolloutDevice: '3' } } }), [hb('s', ['swift'], 4)])).toBeNull();
  });

  it('nothing is claimed for served, terminal or imported runs', () => {
    expect(runAttention(run(), [hb('a', ['local'])])).toBeNull();
    expect(runAttention(run({ status: 'succeeded' }), [])).toBeNull();
    expect(runAttention(run({ backend: 'import', status: 'running' }), [])).toBeNull();
    expect(runAttention(run({ status: 'running', runnerId: 'a' }), [hb('a', ['local'])])).toBeNull();
  });

  it('a running run whose runner stopped heart-beating: runner lost, waiting to be resumed, with the time', () => {
    const lostAt = Date.UTC(2026, 10, 30, 14, 2, 11);
    const alone = runAttention(run({ status: 'running', runnerId: 'gone' }), [], { gone: lostAt });
    expect(alone).toMatchObject({ kind: 'runner-lost', runnerId: 'gone', lostAt, command: 'RUNNER_BACKENDS=local npx videocap runner' });
    expect(alone!.message).toBe('runner lost, waiting to be resumed: gone stopped heart-beating at 2026-11-30 14:02:11 UTC, and no grpo/local runner is connected to resume it');
    const covered = runAttention(run({ status: 'starting', runnerId: 'gone' }), [hb('other', ['local'])]);
    expect(covered).toMatchObject({ kind: 'runner-lost', lostAt: null, command: null });
    expect(covered!.message).toMatch(/another local runner resumes it/);
  });
});
