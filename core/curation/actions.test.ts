import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionFilter, actionTypesOf, filterWalkOrder, normalizeAction, topCounts } from './actions';

describe('normalizeAction', () => {
  it.each([
    ['Picks up the cup', 'pick up'],
    ['threw', 'throw'],
    ['Throw up a child', 'throw up'],
    ['bring a child back down', 'bring'],
    ['is slowly walking', 'walk'],
    ['to dance', 'dance'],
    ['catches a ball', 'catch'],
    ['Waves', 'wave'],
    ['sat down', 'sit down'],
    ['runs across the field', 'run'],
    ['jumps over a fence', 'jump'],
    ['turns around', 'turn around'],
    ['apply lotion', 'apply'],
    ['lay the table', 'lay'],
    ['stood', 'stand'],
    ['flies', 'fly'],
    ['RUNS-OFF', 'run off'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAction(input)).toBe(expected);
  });

  it('phrase mode keeps the whole phrase with the head verb in base form, lower case', () => {
    expect(normalizeAction('Picks up the Cup', 'phrase')).toBe('pick up the cup');
    expect(normalizeAction('slowly walked along the beach', 'phrase')).toBe('walk along the beach');
  });

  it('no word → null', () => {
    expect(normalizeAction('')).toBeNull();
    expect(normalizeAction('  ,. ')).toBeNull();
  });

  it('is idempotent and always lower case', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const once = normalizeAction(s);
        if (once === null) return;
        expect(once).toBe(once.toLowerCase());
        expect(normalizeAction(once)).toBe(once);
      }),
    );
  });
});

describe('actionTypesOf', () => {
  it('distinct types over all subjects, in order of first appearance', () => {
    const think = [
      { subject: 'Woman', attributes: [], actions: ['lifts a child', 'throws up a child', 'lift the child again'] },
      { subject: 'Child', attributes: [], actions: ['smiles', 'throw up'] },
    ];
    expect(actionTypesOf(think)).toEqual(['lift', 'throw up', 'smile']);
    expect(actionTypesOf(null)).toEqual([]);
  });
});

describe('actionFilter', () => {
  it('keeps a clip only when it adds an action type not yet in the inventory', () => {
    const r = actionFilter([['run', 'jump'], ['run'], ['jump', 'swim'], [], ['swim', 'run']], { targetSize: 10 });
    expect(r.kept).toEqual([0, 2]);
    expect(r.visited.map((v) => v.newTypes)).toEqual([['run', 'jump'], [], ['swim'], [], []]);
    expect(r.inventoryGrowth).toEqual([2, 2, 3, 3, 3]);
    expect(r.stoppedAtTarget).toBe(false);
    expect(Object.fromEntries(r.typeClipCounts)).toEqual({ run: 1, jump: 2, swim: 1 });
  });

  it('stops at the target size without visiting the rest', () => {
    const r = actionFilter([['a'], ['b'], ['c'], ['d']], { targetSize: 2 });
    expect(r.kept).toEqual([0, 1]);
    expect(r.visited).toHaveLength(2);
    expect(r.stoppedAtTarget).toBe(true);
  });

  it('rejects a bad target size', () => {
    expect(() => actionFilter([], { targetSize: -1 })).toThrow(RangeError);
  });

  it('laws: ≤ target kept; each kept clip adds a type; each skipped clip adds none; inventory = union of kept types', () => {
    const vocab = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.constantFrom(...vocab), { maxLength: 4 }), { maxLength: 40 }), fc.integer({ min: 0, max: 12 }), (clips, target) => {
        const r = actionFilter(clips, { targetSize: target });
        expect(r.kept.length).toBeLessThanOrEqual(target);
        const inventory = new Set<string>();
        for (const v of r.visited) {
          const added = clips[v.index].filter((t) => !inventory.has(t));
          expect(v.newTypes).toEqual(added);
          if (added.length) for (const t of clips[v.index]) inventory.add(t);
        }
        expect(r.inventoryGrowth.at(-1) ?? 0).toBe(inventory.size);
        for (let i = 1; i < r.inventoryGrowth.length; i++) expect(r.inventoryGrowth[i]).toBeGreaterThanOrEqual(r.inventoryGrowth[i - 1]);
      }),
    );
  });
});

describe('filterWalkOrder', () => {
  const clips = [{ dynamicity: 1 }, { dynamicity: 5 }, { dynamicity: null }, { dynamicity: 5 }, { dynamicity: 3 }];
  it('dynamicity-desc: most dynamic first, ties in input order, unmeasured last', () => {
    expect(filterWalkOrder(clips, 'dynamicity-desc')).toEqual([1, 3, 4, 0, 2]);
  });
  it('input order', () => {
    expect(filterWalkOrder(clips, 'input')).toEqual([0, 1, 2, 3, 4]);
  });
  it('shuffle is a seeded permutation', () => {
    const a = filterWalkOrder(clips, 'shuffle', 7);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(filterWalkOrder(clips, 'shuffle', 7)).toEqual(a);
    const many = Array.from({ length: 50 }, () => ({ dynamicity: 0 }));
    expect(filterWalkOrder(many, 'shuffle', 1)).not.toEqual(filterWalkOrder(many, 'shuffle', 2));
  });
});

describe('topCounts', () => {
  it('most frequent first, ties alphabetical, at most k', () => {
    expect(topCounts(new Map([['b', 2], ['a', 2], ['c', 5], ['d', 1]]), 3)).toEqual([
      { key: 'c', count: 5 },
      { key: 'a', count: 2 },
      { key: 'b', count: 2 },
    ]);
  });
});
