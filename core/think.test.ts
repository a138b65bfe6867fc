import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatStructuredThink, parseStructuredThink, splitCompletion } from './think';

describe('splitCompletion', () => {
  it('splits a well-formed completion', () => {
    const parts = splitCompletion('<think>\n#Subject 1: Man [tall], [walk]\n</think>\n<answer>\n A man walks. \n</answer>');
    expect(parts.think).toBe('\n#Subject 1: Man [tall], [walk]\n');
    expect(parts.answer).toBe('A man walks.');
    expect(parts.diagnostics).toEqual([]);
  });

  it('returns nulls with diagnostics when there are no tags', () => {
    const parts = splitCompletion('just a caption');
    expect(parts).toEqual({ think: null, answer: null, diagnostics: ['no <think> block', 'no <answer> block'] });
  });

  it('takes the think from the start when only </think> is present (pre-filled template)', () => {
    const parts = splitCompletion('#Subject 1: Dog [brown], [run]</think><answer>A dog runs.</answer>');
    expect(parts.think).toBe('#Subject 1: Dog [brown], [run]');
    expect(parts.answer).toBe('A dog runs.');
    expect(parts.diagnostics).toEqual(['</think> without <think>; think taken from the start']);
  });

  it('expects the missing <think> without a diagnostic when the template prefills it', () => {
    const parts = splitCompletion('#Subject 1: Dog [brown], [run]</think><answer>A dog runs.</answer>', { prefilledThink: true });
    expect(parts).toEqual({ think: '#Subject 1: Dog [brown], [run]', answer: 'A dog runs.', diagnostics: [] });
  });

  it('runs an unterminated think up to <answer> and an unterminated answer to the end', () => {
    const parts = splitCompletion('<think>#Subject 1: Cat [grey], [sit]<answer>A cat sits');
    expect(parts.think).toBe('#Subject 1: Cat [grey], [sit]');
    expect(parts.answer).toBe('A cat sits');
    expect(parts.diagnostics).toEqual(['unterminated <think>', 'unterminated <answer>']);
  });

  it('accepts tags in other cases and reports repeated blocks', () => {
    const parts = splitCompletion('<THINK>a</THINK><Answer>b</Answer><answer>c</answer>');
    expect(parts.think).toBe('a');
    expect(parts.answer).toBe('b');
    expect(parts.diagnostics).toEqual(['2 <answer> tags; the first block is used']);
  });
});

describe('parseStructuredThink', () => {
  it('parses the Fig. 13 example', () => {
    const { subjects, diagnostics } = parseStructuredThink(
      '#Subject 1: Woman [long hair, wearing a red dress, gentle and playful demeanor], [lift a child, throw up a child, catch a\nchild, bring a child back down]\n#Subject 2: Child [dressed in red and gray], [smile]',
    );
    expect(diagnostics).toEqual([]);
    expect(subjects).toEqual([
      {
        subject: 'Woman',
        attributes: ['long hair', 'wearing a red dress', 'gentle and playful demeanor'],
        actions: ['lift a child', 'throw up a child', 'catch a\nchild', 'bring a child back down'],
      },
      { subject: 'Child', attributes: ['dressed in red and gray'], actions: ['smile'] },
    ]);
  });

  it('parses two subjects on one line (paper Fig. 8)', () => {
    const { subjects } = parseStructuredThink(
      '#Subject 1: Baby [wearing striped pajamas, lying on the floor], [crawling, reaching out to the dog] #Subject 2: Dog [white and brown], [sitting on the floor]',
    );
    expect(subjects.map((s) => s.subject)).toEqual(['Baby', 'Dog']);
    expect(subjects[0].actions).toEqual(['crawling', 'reaching out to the dog']);
    expect(subjects[1]).toEqual({ subject: 'Dog', attributes: ['white and brown'], actions: ['sitting on the floor'] });
  });

  it('tolerates a missing #, extra spaces, blank lines and a subject split over two lines', () => {
    const { subjects } = parseStructuredThink('\n\n  Subject   1 :   Man  \n\n [ tall ,  bald ],\n [ walk ,  wave ]  \n\n#Subject2:Dog[black],[bark]');
    expect(subjects).toEqual([
      { subject: 'Man', attributes: ['tall', 'bald'], actions: ['walk', 'wave'] },
      { subject: 'Dog', attributes: ['black'], actions: ['bark'] },
    ]);
  });

  it('keeps brackets inside items and drops empty items from trailing commas', () => {
    const { subjects } = parseStructuredThink('#Subject 1: Man [holding a cup [red], , tall,], [drink [slowly], walk,]');
    expect(subjects[0]).toEqual({ subject: 'Man', attributes: ['holding a cup [red]', 'tall'], actions: ['drink [slowly]', 'walk'] });
  });

  it('understands fullwidth brackets, colons and commas and keeps unicode items unchanged', () => {
    const { subjects } = parseStructuredThink('＃Subject 1：女人［长发，红色连衣裙］，［走路、挥手］');
    expect(subjects).toEqual([{ subject: '女人', attributes: ['长发', '红色连衣裙'], actions: ['走路', '挥手'] }]);
  });

  it('reports a subject with one list, an unterminated bracket and text before the first subject', () => {
    const { subjects, diagnostics } = parseStructuredThink('Let me look.\n#Subject 1: Cat [grey]\n#Subject 2: Dog [brown], [run, jump');
    expect(subjects).toEqual([
      { subject: 'Cat', attributes: ['grey'], actions: [] },
      { subject: 'Dog', attributes: ['brown'], actions: ['run', 'jump'] },
    ]);
    expect(diagnostics).toEqual([
      'ignored 12 characters before the first subject',
      'subject 1: one list found, read as attributes; no actions',
      'subject 2: unterminated bracket',
    ]);
  });

  it('does not take words containing "subject" for markers', () => {
    const { subjects, diagnostics } = parseStructuredThink('The subjects: none. Subjective: yes.');
    expect(subjects).toEqual([]);
    expect(diagnostics).toEqual(['no "#Subject N:" marker and no JSON list of subjects found']);
  });

  it('creates no phantom subject from prose that mentions "subject:" (issue 8, item 2)', () => {
    const { subjects, diagnostics } = parseStructuredThink('Focus on the subject: a woman walking.\n#Subject 1: Woman [long hair], [walk]');
    expect(subjects).toEqual([{ subject: 'Woman', attributes: ['long hair'], actions: ['walk'] }]);
    expect(diagnostics).toEqual(['ignored 38 characters before the first subject']);
    // Neither mid-line in prose nor inside an item, with or without a number.
    const inside = parseStructuredThink('#Subject 1: Man [tall], [point at subject 2: the dog, talk about the subject: food]\nThe main subject: a man.');
    expect(inside.subjects).toEqual([{ subject: 'Man', attributes: ['tall'], actions: ['point at subject 2: the dog', 'talk about the subject: food'] }]);
    expect(inside.diagnostics).toEqual(['subject 1: ignored 24 characters after its lists']);
    // Prose alone is not a think.
    expect(parseStructuredThink('The subject: a woman. Subject of the video: dancing.').subjects).toEqual([]);
  });

  it('still reads a marker without # that opens a line or follows the previous lists', () => {
    const { subjects } = parseStructuredThink('Subject 1: Baby [small], [crawl] Subject 2: Dog [white], [sit]\n  Subject 3: Cat [grey], [sleep]');
    expect(subjects.map((s) => s.subject)).toEqual(['Baby', 'Dog', 'Cat']);
    expect(subjects[1]).toEqual({ subject: 'Dog', attributes: ['white'], actions: ['sit'] });
  });

  it('never makes a name of two lines: the labelled multi-line layout is read by its labels and reported', () => {
    const { subjects, diagnostics } = parseStructuredThink('#Subject 1: Woman\nAttributes: [long hair, red dress]\nActions: [walk, wave]\n#Subject 2: Dog\nActions: [bark]\nAttributes: [brown]');
    expect(subjects).toEqual([
      { subject: 'Woman', attributes: ['long hair', 'red dress'], actions: ['walk', 'wave'] },
      { subject: 'Dog', attributes: ['brown'], actions: ['bark'] },
    ]);
    expect(diagnostics).toEqual([
      'subject 1: lists read by their labels (attributes, actions), not the "name [attributes], [actions]" layout',
      'subject 2: lists read by their labels (actions, attributes), not the "name [attributes], [actions]" layout',
    ]);
    // One line with labels, and singular / bold labels.
    expect(parseStructuredThink('#Subject 1: Man Attributes: [tall], Actions: [run]').subjects).toEqual([{ subject: 'Man', attributes: ['tall'], actions: ['run'] }]);
    expect(parseStructuredThink('#Subject 1: Man\n**Action:** [run]').subjects).toEqual([{ subject: 'Man', attributes: [], actions: ['run'] }]);
  });

  it('reports, and does not absorb, other text between the name and its lists', () => {
    const { subjects, diagnostics } = parseStructuredThink('#Subject 1: Woman\nshe looks happy\n[long hair], [smile]');
    expect(subjects).toEqual([{ subject: 'Woman', attributes: ['long hair'], actions: ['smile'] }]);
    expect(diagnostics).toEqual(['subject 1: ignored 15 characters between the name and its lists']);
    const between = parseStructuredThink('#Subject 1: Man [tall] and then [run]');
    expect(between.subjects).toEqual([{ subject: 'Man', attributes: ['tall'], actions: ['run'] }]);
    expect(between.diagnostics).toEqual(['subject 1: ignored 8 characters between its lists']);
  });

  it('reads the JSON layout the paper asks for (Fig. 13 "json format", Fig. 5 output)', () => {
    const fig5 =
      '[{"subject": "Woman", "attributes": ["long hair", "wearing a red dress", "gentle and playful demeanor"], "actions": ["lift a child", "throw up a child", "catch a child", "bring a child back down"]}, {"subject": "Child", "attributes": ["dressed in red and gray"], "actions": ["smile"]}]';
    const expected = [
      { subject: 'Woman', attributes: ['long hair', 'wearing a red dress', 'gentle and playful demeanor'], actions: ['lift a child', 'throw up a child', 'catch a child', 'bring a child back down'] },
      { subject: 'Child', attributes: ['dressed in red and gray'], actions: ['smile'] },
    ];
    expect(parseStructuredThink(fig5)).toEqual({ subjects: expected, diagnostics: [] });
    expect(parseStructuredThink(`\n\`\`\`json\n${fig5.replace(/, \{/, ',\n  {')}\n\`\`\`\n`)).toEqual({ subjects: expected, diagnostics: [] });
    const withProse = parseStructuredThink(`Here are the subjects:\n${fig5}\nDone.`);
    expect(withProse.subjects).toEqual(expected);
    expect(withProse.diagnostics).toEqual(['ignored 22 characters before the JSON list', 'ignored 5 characters after the JSON list']);
    // Brackets inside items and unicode are just JSON string content.
    expect(parseStructuredThink('[{"subject": "女人", "attributes": ["长发 [黑色]"], "actions": ["走路"]}]').subjects).toEqual([{ subject: '女人', attributes: ['长发 [黑色]'], actions: ['走路'] }]);
  });

  it('reports malformed JSON and malformed elements instead of guessing', () => {
    const broken = parseStructuredThink("[{'subject': 'Woman', 'attributes': [], 'actions': ['walk']}]");
    expect(broken.subjects).toEqual([]);
    expect(broken.diagnostics).toHaveLength(1);
    expect(broken.diagnostics[0]).toMatch(/^JSON list: not valid JSON \(/);
    const parts = parseStructuredThink('[{"subject": "Dog", "actions": ["bark", 3]}, "cat", {"subject": 7, "attributes": "tall", "actions": []}, {"subject": "Man", "attributes": [], "actions": ["run"], "note": "x"}]');
    expect(parts.subjects).toEqual([
      { subject: 'Dog', attributes: [], actions: ['bark'] },
      { subject: 'Man', attributes: [], actions: ['run'] },
    ]);
    expect(parts.diagnostics).toEqual([
      'JSON item 1: no "attributes" field',
      'JSON item 1: 1 non-string "actions" item ignored',
      'JSON item 2: not a {"subject", "attributes", "actions"} object, skipped',
      'JSON item 3: no "subject" string',
      'JSON item 3: "attributes" is not a list',
      'JSON item 3: empty, skipped',
      'JSON item 4: ignored field "note"',
    ]);
    // A JSON object (not a list) is not the layout.
    expect(parseStructuredThink('{"subject": "Dog", "attributes": [], "actions": ["bark"]}').subjects).toEqual([]);
  });

  it('reads any list of subjects back from formatStructuredThink, unicode included (property)', () => {
    const word = fc.constantFrom('man', 'Woman', 'dog', 'red shirt', 'walk', 'pick up [the] cup', '长发', 'é', '😀', 'a:b', 'subject', '#1');
    const item = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
    const subject = fc.record({ subject: fc.constantFrom('Man', 'Woman', '女人', 'Dog 2', 'Subject-matter expert'), attributes: fc.array(item, { maxLength: 4 }), actions: fc.array(item, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(subject, { minLength: 1, maxLength: 5 }), (subjects) => {
        const { subjects: back, diagnostics } = parseStructuredThink(formatStructuredThink(subjects));
        expect(back).toEqual(subjects);
        expect(diagnostics).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts markdown bold markers and a marker without colon when it has # and a number', () => {
    const { subjects } = parseStructuredThink('**Subject 1:** Man [tall], [walk]\n#Subject 2 Dog [black], [bark]');
    expect(subjects.map((s) => s.subject)).toEqual(['Man', 'Dog']);
  });

  it('round-trips formatStructuredThink', () => {
    const subjects = [
      { subject: 'Woman', attributes: ['long hair'], actions: ['walk forward', 'spin around'] },
      { subject: 'Dog', attributes: [], actions: ['bark'] },
    ];
    expect(formatStructuredThink(subjects)).toBe('#Subject 1: Woman [long hair], [walk forward, spin around]\n#Subject 2: Dog [], [bark]');
    expect(parseStructuredThink(formatStructuredThink(subjects)).subjects).toEqual(subjects);
  });

  it('never throws on arbitrary input and returns trimmed non-empty items', () => {
    const alphabet = fc.constantFrom('#', 'Subject', 'subject', ' 1', ':', '：', '[', ']', '［', '］', ',', '，', '\n', ' ', 'a', 'é', '😀', '*', '<think>', '</answer>');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }).map((xs) => xs.join('')), fc.string(), (structured, noise) => {
        for (const text of [structured, noise, structured + noise]) {
          const { subjects } = parseStructuredThink(text);
          for (const s of subjects) {
            for (const item of [...s.attributes, ...s.actions]) {
              expect(item.length).toBeGreaterThan(0);
              expect(item).toBe(item.trim());
            }
          }
          splitCompletion(text);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stays linear on 100 kB of adversarial input', () => {
    const inputs = [
      '#Subject 1: ' + '['.repeat(100_000),
      'subject'.repeat(15_000),
      '# '.repeat(50_000) + 'Subject 1: x',
      '#Subject 1: a [' + 'b, '.repeat(33_000) + ']',
      '<' + ' '.repeat(100_000),
      '<think>'.repeat(15_000),
      ('#Subject 9999: x [y], [z] ').repeat(4_000),
      Array.from({ length: 100_000 }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join(''),
      '[{'.repeat(50_000),
      '[ '.repeat(50_000) + '{',
      '```json\n' + '```'.repeat(30_000),
      '[' + '{"subject": "x", "attributes": [], "actions": ["y"]}, '.repeat(2_000) + ']',
      'Subject 1: x\n'.repeat(8_000),
      '] subject 1:'.repeat(8_000),
    ];
    for (const input of inputs) {
      const start = performance.now();
      const parts = splitCompletion(`<think>${input}</think><answer>${input}</answer>`);
      parseStructuredThink(parts.think ?? '');
      parseStructuredThink(input);
      // Linear work on 100 kB is a few milliseconds; quadratic would be tens of seconds.
      expect(performance.now() - start).toBeLessThan(1500);
    }
    const many = parseStructuredThink(('#Subject 1: x [y], [z] ').repeat(4_000));
    expect(many.subjects).toHaveLength(4_000);
    expect(many.diagnostics.length).toBeLessThanOrEqual(21);
  });
});
