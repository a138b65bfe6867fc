import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveStructuredThink, HEURISTIC_THINK_SOURCE, isPluralNoun, singularize, toBaseForm, toThirdPerson } from './heuristic-think';

interface Dream1kLine {
  vid: number;
  messages: { content: { reference?: string | null }[] }[];
  extra_info: { events: string[] };
}

const dream = readFileSync(new URL('../data/dream-1k/DREAM-1k.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Dream1kLine);

function clip(vid: number): { caption: string; events: string[] } {
  const row = dream.find((r) => r.vid === vid);
  if (!row) throw new Error(`no DREAM-1K clip ${vid}`);
  return { caption: row.messages[1].content[0].reference ?? '', events: row.extra_info.events };
}

describe('toBaseForm (Fig. 5: verbs in their base form)', () => {
  it.each([
    ['picks', 'pick'],
    ['danced', 'dance'],
    ['running', 'run'],
    ['stood', 'stand'],
    ['carries', 'carry'],
    ['occurred', 'occur'],
    ['pushes', 'push'],
    ['making', 'make'],
    ['was', 'be'],
    ['stirred', 'stir'],
  ])('%s → %s', (inflected, base) => {
    expect(toBaseForm(inflected)).toBe(base);
  });

  it('round-trips with toThirdPerson for regular verbs', () => {
    for (const v of ['pick', 'push', 'carry', 'go', 'watch', 'dance', 'be', 'have']) expect(toBaseForm(toThirdPerson(v))).toBe(v);
  });

  it('singularizes nouns and knows plurals', () => {
    expect(singularize('children')).toBe('child');
    expect(singularize('birds')).toBe('bird');
    expect(singularize('glasses')).toBe('glass');
    expect(singularize('bus')).toBe('bus');
    expect(['dogs', 'men', 'people', 'dog', 'bus', 'glass'].map(isPluralNoun)).toEqual([true, true, true, false, false, false]);
  });
});

describe('deriveStructuredThink', () => {
  it('takes subject, attribute and base-form action from an event sentence', () => {
    const think = deriveStructuredThink('A man in a red shirt picks up the cup.', ['The man in a red shirt picks up the cup.']);
    expect(think).toEqual([{ subject: 'Man', attributes: ['in a red shirt'], actions: ['pick up the cup'] }]);
  });

  it('keeps coordinated and continuing verbs the tagger reads as nouns ("and drinks", ", then waves"), not listed nouns', () => {
    expect(deriveStructuredThink('A woman picks up a cup and drinks from it, then waves.', [])).toEqual([
      { subject: 'Woman', attributes: [], actions: ['pick up a cup', 'drink from it', 'wave'] },
    ]);
    expect(deriveStructuredThink('', ['He sits down and smiles.', 'A man opens the door and walks in.'])[0].actions).toContain('walk in');
    expect(deriveStructuredThink('A man stacks cups and plates on the table.', [])).toEqual([
      { subject: 'Man', attributes: [], actions: ['stack cups and plates on the table'] },
    ]);
  });

  it('merges pronouns into the last matching subject and keeps action order', () => {
    const think = deriveStructuredThink('', ['A woman opens the door.', 'A dog runs outside.', 'She closes the door.', 'It barks.']);
    expect(think).toEqual([
      { subject: 'Woman', attributes: [], actions: ['open the door', 'close the door'] },
      { subject: 'Dog', attributes: [], actions: ['run outside', 'bark'] },
    ]);
  });

  it('splits conjoined subjects, keeps adjectives as attributes, skips the camera', () => {
    const think = deriveStructuredThink('', ['A man and a little girl wave.', 'The camera pans left.', 'The little girl smiles.']);
    expect(think.map((s) => s.subject)).toEqual(['Man', 'Girl']);
    expect(think[1]).toEqual({ subject: 'Girl', attributes: ['little'], actions: ['wave', 'smile'] });
  });

  it('mines "wearing …" attributes from the caption and does not repeat actions', () => {
    const think = deriveStructuredThink('A boy wearing a blue cap jumps over a puddle, then jumps again.', ['A boy jumps over a puddle.', 'The boy jumps over a puddle.']);
    expect(think).toEqual([{ subject: 'Boy', attributes: ['wearing a blue cap'], actions: ['jump over a puddle'] }]);
  });

  it('treats "the other X" as a second individual and "both X" as each of them (DREAM-1K clip 2)', () => {
    const { caption, events } = clip(2);
    const think = deriveStructuredThink(caption, events);
    expect(think).toHaveLength(2);
    // heuristic-v1 gave the first character only its first two actions; "The first character follows
    // the other" is the first character's, and "Both characters go up a staircase" is each one's
    // (the caption: "The other character walks away and is followed by the former, both characters go up").
    expect(think[0].actions).toEqual(['raise their hand', 'put their hand down', 'follow the other', 'go up a staircase together']);
    expect(think[1].actions).toEqual(['walk away', 'go up a staircase together']);
  });

  it('keeps a group apart from the individuals of its kind, and differently described individuals apart (clips 1, 35)', () => {
    const one = deriveStructuredThink(clip(1).caption, clip(1).events);
    expect(one.map((s) => s.subject)).toEqual(['Character', 'Characters']);
    expect(one[1].actions).toEqual(['rush forward', 'grab two green monsters']);
    const dogs = deriveStructuredThink(clip(35).caption, clip(35).events);
    expect(dogs.map((s) => [s.subject, s.attributes.join(' ')])).toEqual([
      ['Dog', 'large fluffy'],
      ['Dog', 'black'],
      ['Dog', 'little'],
      ['Dogs', 'black'],
    ]);
    expect(dogs[2].actions).toContain('hang its head');
  });

  it('makes no subject of a colour or other adjective: they are attributes of the noun (heuristic-v1 did)', () => {
    expect(deriveStructuredThink('', ['Yellow and blue birds fly over the lake.'])).toEqual([{ subject: 'Birds', attributes: ['yellow', 'blue'], actions: ['fly over the lake'] }]);
    expect(deriveStructuredThink('', ['A large and fluffy dog backed away.'])).toEqual([{ subject: 'Dog', attributes: ['large', 'fluffy'], actions: ['back away'] }]);
    expect(deriveStructuredThink('', ['A red dashed line snakes across the map.'])).toEqual([{ subject: 'Line', attributes: ['red', 'dashed'], actions: ['snake across the map'] }]);
  });

  it('reads verbs the tagger takes for nouns or adjectives from their position', () => {
    expect(deriveStructuredThink('', ['The woman wearing a hat smiles at the boy.'])).toEqual([{ subject: 'Woman', attributes: ['wearing a hat'], actions: ['smile at the boy'] }]);
    expect(deriveStructuredThink('', ['Snoopy dances on the roof.'])[0].actions).toEqual(['dance on the roof']);
    expect(deriveStructuredThink('', ['The man spread his arms wide.'])[0].actions).toEqual(['spread his arms wide']);
    expect(deriveStructuredThink('', ['A black dog scared the cat.'])[0].actions).toEqual(['scare the cat']);
  });

  it('handles real DREAM-1K lines (clips 151, 221, 501)', () => {
    const boy = deriveStructuredThink(clip(151).caption, clip(151).events)[0];
    expect(boy).toEqual({ subject: 'Boy', attributes: ['with a head ornament'], actions: ['clench his fists', 'say something', 'stand up'] });

    const men = deriveStructuredThink(clip(221).caption, clip(221).events).filter((s) => s.subject === 'Man');
    expect(men).toHaveLength(2); // the man in the driver's seat and the man in the suit
    expect(men[0].attributes).toContain("in driver's seat");
    expect(men[1].actions).toEqual(['come to open it', 'look around', 'walk forward with woman']);

    const man = deriveStructuredThink(clip(501).caption, clip(501).events).find((s) => s.subject === 'Man');
    expect(man?.actions.slice(0, 3)).toEqual(['dance with a rope tied around his waist', 'stand up', 'spread his arms wide']);
  });

  it('gives most DREAM-1K clips at least one subject with an action', () => {
    let covered = 0;
    let actions = 0;
    for (const row of dream) {
      const think = deriveStructuredThink(row.messages[1].content[0].reference ?? '', row.extra_info.events);
      for (const s of think) {
        expect(s.actions.length).toBeGreaterThan(0); // Fig. 5: every subject has ≥ 1 action
        expect(new Set(s.actions).size).toBe(s.actions.length); // no repeated actions
      }
      if (think.length > 0) covered++;
      actions += think.reduce((a, s) => a + s.actions.length, 0);
    }
    // measured: 997 / 1000 (the rest are camera-only clips), ~6.1 actions per clip
    expect(covered).toBeGreaterThanOrEqual(990);
    expect(actions / dream.length).toBeGreaterThan(5);
  }, 30_000);

  it('is labelled as a heuristic, with its version', () => {
    expect(HEURISTIC_THINK_SOURCE).toMatch(/^heuristic-v2 .*not Qwen2\.5-72B/);
  });
});
