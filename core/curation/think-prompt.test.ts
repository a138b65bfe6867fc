import { describe, expect, it } from 'vitest';
import { buildStructuredThinkPrompt, parseStructuredThinkReply, STRUCTURED_THINK_TEMPLATE } from './think-prompt';

describe('buildStructuredThinkPrompt (paper Fig. 5)', () => {
  it('puts the caption in brackets and renders the escaped braces of the example', () => {
    const p = buildStructuredThinkPrompt('  A man {runs}.  ');
    expect(p.startsWith('Below is a caption of a video: [A man {runs}.]\nExtract the main subjects')).toBe(true);
    expect(p).toContain('- All verbs should be in their base form.');
    expect(p).toContain('Only provide the Python List.');
    expect(p).toContain('output:[{"subject": "Woman", "attributes": ["long hair"');
    expect(p).not.toContain('{{');
    expect(STRUCTURED_THINK_TEMPLATE).toContain('{{');
  });
});

describe('parseStructuredThinkReply', () => {
  const woman = [{ subject: 'Woman', attributes: ['long hair'], actions: ['lift a child', 'catch a child'] }];
  it('reads JSON and Python literals', () => {
    expect(parseStructuredThinkReply(JSON.stringify(woman))).toEqual({ ok: true, subjects: woman, diagnostics: [] });
    const py = parseStructuredThinkReply(`[{'subject': 'Woman', 'attributes': ['long hair'], 'actions': ['lift a child', 'catch a child']}]`);
    expect(py).toEqual({ ok: true, subjects: woman, diagnostics: ['read as a Python literal'] });
  });
  it('removes a reasoning block, a code fence and an "output:" prefix, and says so', () => {
    const r = parseStructuredThinkReply(`<think>draft [1,2]</think>\n\`\`\`python\noutput: ${JSON.stringify(woman)}\n\`\`\``);
    expect(r.ok && r.subjects).toEqual(woman);
    expect(r.diagnostics).toEqual(['reasoning block removed', 'code fence removed', '"output:" prefix removed']);
  });
  it('drops repeated and empty actions and subjects without an action, with diagnostics', () => {
    const r = parseStructuredThinkReply(JSON.stringify([{ subject: 'Man', attributes: [' tall ', ''], actions: ['run', ' run', ''] }, { subject: 'Sky', attributes: ['blue'], actions: [] }]));
    expect(r).toEqual({
      ok: true,
      subjects: [{ subject: 'Man', attributes: ['tall'], actions: ['run'] }],
      diagnostics: ['subject 1: repeated action "run" dropped', 'subject 2 ("Sky"): no action, dropped'],
    });
  });
  it.each([
    ['', /empty reply/],
    ['Here is the list: [{"subject": "Man", "actions": ["run"]}]', /not a Python list/],
    ['{"subject": "Man", "actions": ["run"]}', /expected a list of subjects, got object/],
    ['[]', /no subject/],
    ['[{"subject": "Man"}]', /subject 1: actions: "actions" must be a list of strings/],
    ['[{"subject": "Man", "actions": ["run", 3]}]', /subject 1: actions.1: each action must be a string/],
    ['[{"subject": "", "actions": ["run"]}]', /"subject" must not be empty/],
    ['[{"subject": "Sky", "actions": []}]', /no subject has an action/],
    ['<think>still thinking', /never closed/],
  ])('rejects %j', (reply, reason) => {
    const r = parseStructuredThinkReply(reply);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
