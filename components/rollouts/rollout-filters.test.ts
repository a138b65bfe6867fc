import { describe, expect, it } from 'vitest';
import { defaultRolloutFilters, parseRolloutFilters, rolloutQuery, serializeRolloutFilters, type RolloutFilterState } from './rollout-filters';

const parse = (qs: string) => parseRolloutFilters(new URLSearchParams(qs));

describe('rollout filters in the URL', () => {
  it('round-trips every filter and keeps other parameters', () => {
    const state: RolloutFilterState = {
      stepMin: '10',
      stepMax: '40',
      rewardMin: '1.5',
      rewardMax: '',
      formatFailures: true,
      advantageSign: 'positive',
      sort: 'reward',
      order: 'asc',
      groupStep: '12',
      group: { step: 12, clipId: 'dream-1k/7' },
    };
    const qs = serializeRolloutFilters(state, 'tab=rollouts&stepMin=99');
    expect(qs).toBe('tab=rollouts&stepMin=10&stepMax=40&rewardMin=1.5&failures=1&adv=positive&sort=reward&order=asc&gstep=12&group=12%3Adream-1k%2F7');
    expect(parse(qs)).toEqual(state);
  });

  it('omits defaults and tolerates garbage', () => {
    expect(serializeRolloutFilters(defaultRolloutFilters())).toBe('');
    expect(parse('sort=bogus&order=up&adv=maybe&group=x&failures=yes')).toEqual(defaultRolloutFilters());
  });

  it('min > max says so instead of querying an empty range', () => {
    const s = { ...defaultRolloutFilters(), stepMin: '50', stepMax: '10', rewardMin: '2', rewardMax: '1.5' };
    const { errors } = rolloutQuery(s);
    expect(errors.step).toBe('step min 50 > max 10: no step can match');
    expect(errors.reward).toBe('reward min 2 > max 1.5: no reward can match');
    expect(rolloutQuery({ ...s, stepMin: 'abc', rewardMin: '' }).errors).toEqual({ step: 'step min "abc" is not a number' });
    expect(rolloutQuery({ ...defaultRolloutFilters(), stepMin: '2.5' }).errors.step).toMatch(/whole step/);
  });

  it('builds the rollout.list query of valid filters', () => {
    const { query, errors } = rolloutQuery({ ...defaultRolloutFilters(), stepMin: ' 3 ', rewardMax: '2.5', formatFailures: true, advantageSign: 'negative' });
    expect(errors).toEqual({});
    expect(query).toEqual({ stepMin: 3, rewardMax: 2.5, formatFailures: true, advantageSign: 'negative', sort: 'step', order: 'desc' });
  });
});
