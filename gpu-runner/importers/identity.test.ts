import { describe, expect, it } from 'vitest';
import { assignIdGroups, assignPositionalGroups, checkGroupBlocks, groupKey, groupSizeFromPromptColumn, resolveGroupSize, runLengths } from './identity';

const p = (prompt: string, reference: string | null = null, clipId: string | null = null) => ({ prompt, reference, clipId, step: 1 });

describe('group size (G)', () => {
  it('is read from runs of equal prompts, never from a single run', () => {
    expect(runLengths(['a', 'a', 'b', 'b', 'b', 'a'])).toEqual([2, 3, 1]);
    expect(groupSizeFromPromptColumn([['a', 'a', 'a', 'b', 'b', 'b']])).toBe(3);
    expect(groupSizeFromPromptColumn([['a', 'a', 'a', 'a', 'a', 'a']])).toBeNull(); // one prompt: G could be 2, 3 or 6
    expect(groupSizeFromPromptColumn([['a', 'a', 'a', 'a', 'a', 'a'], ['x', 'x', 'y', 'y']])).toBe(2); // another batch tells
    expect(groupSizeFromPromptColumn([['a', 'a', 'a', 'b', 'b', 'b', 'b', 'b', 'b']])).toBe(3); // one clip drawn twice in a row
    expect(groupSizeFromPromptColumn([['a', 'b', 'b']])).toBeNull(); // runs of 1 and 2: no G ≥ 2 fits
  });

  it('a declared G is used as declared; without one and without evidence the reason says what to pass', () => {
    expect(resolveGroupSize({ value: 4, source: '--num-generations' }, [['a']])).toEqual({ ok: true, G: 4, source: '--num-generations' });
    expect(resolveGroupSize(null, [['a', 'a', 'b', 'b']])).toEqual({ ok: true, G: 2, source: 'the prompt column (runs of equal prompts)' });
    const r = resolveGroupSize(null, [['a', 'a', 'a', 'a']]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/pass --num-generations G/);
  });

  it('checks a declared G against the prompt column', () => {
    expect(checkGroupBlocks(['a', 'a', 'b', 'b'], 2, 'args.json num_generations')).toBeNull();
    expect(checkGroupBlocks(['a', 'a', 'a', 'a'], 2, 'x')).toBeNull(); // same prompt everywhere: nothing contradicts
    expect(checkGroupBlocks(['a', 'a', 'a', 'b', 'b', 'b'], 2, 'args.json num_generations')).toMatch(/num_generations = 2 \(args\.json num_generations\) contradicts the prompt column: completions 2–3 .* first change is at 3/);
    expect(checkGroupBlocks(['a', 'a', 'a'], 2, 'x')).toMatch(/3 completions are not a whole number of groups of num_generations = 2/);
  });
});

describe('clip identity', () => {
  it('data clip id > reference > prompt; a prompt shared by two groups of a step identifies no clip', () => {
    const ids = assignPositionalGroups([p('P', 'ref A'), p('P', 'ref A'), p('P', null, 'dream/7'), p('P', null, 'dream/7'), p('Q'), p('Q')], 2, 'swift');
    expect(ids.map((x) => [x.groupIndex, x.sampleIndex, x.clipSource])).toEqual([[0, 0, 'reference'], [0, 1, 'reference'], [1, 0, 'data'], [1, 1, 'data'], [2, 0, 'prompt'], [2, 1, 'prompt']]);
    expect(ids[2]!.clipId).toBe('dream/7');
    const shared = assignPositionalGroups([p('P'), p('P'), p('P'), p('P')], 2, 'trl');
    expect(shared.map((x) => x.clipSource)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    expect(shared[0]!.clipId).not.toBe(shared[2]!.clipId);
    expect(shared[0]!.clipId).toMatch(/^trl:[0-9a-f]{12}\/s1g0$/);
    expect(groupKey(p('P', 'r'))).not.toBe(groupKey(p('P')));
  });

  it("groups by the trainer's own id (verl uid) in order of first appearance, whatever the row order; without ids by clip, in groups of G", () => {
    const rows = [
      { ...p('P', 'A'), groupId: 'u1' },
      { ...p('P', 'B'), groupId: 'u2' },
      { ...p('P', 'A'), groupId: 'u1' },
      { ...p('P', 'A'), groupId: 'u3' }, // the same clip drawn twice in one step: its own group
      { ...p('P', 'B'), groupId: 'u2' },
      { ...p('P', 'A'), groupId: 'u3', step: 2 }, // a new step numbers its groups from 0
    ];
    const { identities, sizes } = assignIdGroups(rows, null, 'verl');
    expect(identities.map((x) => [x.groupIndex, x.sampleIndex])).toEqual([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 0]]);
    expect(sizes).toEqual([2, 2, 1, 1]);
    expect(identities[0]!.clipId).toBe(identities[3]!.clipId); // same reference → same clip, different group
    const noIds = assignIdGroups([0, 1, 2, 3].map(() => ({ ...p('P', 'A'), groupId: null })), 2, 'verl');
    expect(noIds.identities.map((x) => [x.groupIndex, x.sampleIndex])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });
});
