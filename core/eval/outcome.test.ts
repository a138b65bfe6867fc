import { describe, expect, it } from 'vitest';
import { evalOutcome } from './outcome';

const refused = 'judge call failed: POST http://127.0.0.1:9/v1/chat/completions network error: connect ECONNREFUSED 127.0.0.1:9 (gave up after 5 attempts)';

describe('evalOutcome', () => {
  it('every clip failed: the run fails, naming the most common error and how many clips it hit', () => {
    const o = evalOutcome([
      { failed: true, failureReason: refused },
      { failed: true, failureReason: 'no valid reply after 3 attempts: not JSON' },
      { failed: true, failureReason: refused },
    ]);
    expect(o).toMatchObject({ clips: 3, scored: 0, failed: 3, runFailed: true, topFailure: { reason: refused, clips: 2 } });
    expect(o.message).toBe(`no clip was scored: all 3 clips failed — most common error (2 of 3 failed clips): ${refused}`);
  });

  it('a partial failure succeeds, and its message says how many clips failed and why', () => {
    const o = evalOutcome([{ failed: false }, { failed: true, failureReason: refused }, { failed: false }]);
    expect(o.runFailed).toBe(false);
    expect(o.message).toBe(`finished; 1 of 3 clips failed (excluded from the means) — most common error (1 of 1 failed clips): ${refused}`);
  });

  it('no failure: "finished"; nothing evaluated at all: failed, saying no clip had a caption', () => {
    expect(evalOutcome([{ failed: false }, { failed: false }])).toMatchObject({ runFailed: false, message: 'finished', topFailure: null });
    expect(evalOutcome([], 21)).toMatchObject({ runFailed: true, message: 'no clip was scored: no clip had a caption (21 clips without one)' });
  });

  it('failed clips without a known reason (older records) still count; long reasons are cut', () => {
    const o = evalOutcome([{ failed: true }, { failed: true, failureReason: 'x'.repeat(2000) }]);
    expect(o.failed).toBe(2);
    expect(o.topFailure!.reason).toHaveLength(500);
    expect(evalOutcome([{ failed: true }]).message).toBe('no clip was scored: all 1 clip failed');
  });
});
