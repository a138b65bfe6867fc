import { describe, expect, it } from 'vitest';
import { isVideoFile, pairCaptionsWithVideos, type VideoFileEntry } from './captions';

const file = (relPath: string, sizeBytes = 1000): VideoFileEntry => ({ relPath, absPath: `/data/v/${relPath}`, sizeBytes, mtimeMs: 1 });
const where = { captionsPath: 'captions.jsonl', videoDir: '/data/v' };

describe('pairCaptionsWithVideos', () => {
  it('pairs by relative path, absolute path or unique file name, and reports every problem per clip', () => {
    const files = [file('a.mp4'), file('sub/b.mp4'), file('c.mp4'), file('empty.mp4', 0), file('orphan.mp4'), file('x/dup.mp4'), file('y/dup.mp4')];
    const lines = [
      JSON.stringify({ video: 'a.mp4', caption: 'A man runs.' }),
      JSON.stringify({ video: 'b.mp4', caption: 'A dog jumps.', think: [{ subject: 'Dog', attributes: ['brown'], actions: ['jump'] }] }),
      JSON.stringify({ video: '/data/v/c.mp4', caption: 'A cat sleeps.', think: '#Subject 1: Cat [grey], [sleep]' }),
      JSON.stringify({ video: 'empty.mp4', caption: 'Nothing.' }),
      JSON.stringify({ video: 'missing.mp4', caption: 'Gone.' }),
      JSON.stringify({ video: 'a.mp4', caption: 'Again.' }),
      JSON.stringify({ video: 'dup.mp4', caption: 'Which one?' }),
      '{"video": "broken"',
      JSON.stringify({ video: 'c.mp4' }),
      '',
    ].join('\n');
    const out = pairCaptionsWithVideos(lines, files, where);
    const byId = (id: string) => out.filter((c) => c.externalId === id);
    expect(out.map((c) => c.ordinal)).toEqual(out.map((_, i) => i));
    expect(byId('a.mp4')[0]).toMatchObject({ line: 1, caption: 'A man runs.', problem: null, file: { relPath: 'a.mp4' } });
    expect(byId('b.mp4')[0]).toMatchObject({ problem: null, file: { relPath: 'sub/b.mp4' }, think: [{ subject: 'Dog', attributes: ['brown'], actions: ['jump'] }] });
    expect(byId('/data/v/c.mp4')[0]).toMatchObject({ problem: null, think: [{ subject: 'Cat', attributes: ['grey'], actions: ['sleep'] }] });
    expect(byId('empty.mp4')[0].problem).toMatch(/zero-length file/);
    expect(byId('missing.mp4')[0].problem).toBe('captions.jsonl line 5: caption without video — "missing.mp4" is not in /data/v');
    expect(byId('a.mp4')[1].problem).toMatch(/line 6: video "a.mp4" already has a caption \(line 1\)/);
    expect(byId('dup.mp4')[0].problem).toMatch(/ambiguous: 2 files/);
    expect(byId('line 8')[0].problem).toMatch(/^captions.jsonl line 8: not JSON/);
    expect(byId('c.mp4')[0].problem).toMatch(/line 9: caption: "caption" \(a string\) is required/);
    expect(out.filter((c) => c.line === null).map((c) => [c.externalId, c.problem])).toEqual([
      ['orphan.mp4', '/data/v/orphan.mp4: video without caption (no line of captions.jsonl names it)'],
      ['x/dup.mp4', expect.stringMatching(/video without caption/)],
      ['y/dup.mp4', expect.stringMatching(/video without caption/)],
    ]);
  });

  it('a think without any action is ignored with a note (the clip is annotated instead)', () => {
    const out = pairCaptionsWithVideos(JSON.stringify({ video: 'a.mp4', caption: 'x', think: [{ subject: 'Man', attributes: [], actions: [] }] }), [file('a.mp4')], where);
    expect(out[0].think).toBeNull();
    expect(out[0].notes[0]).toMatch(/no subject with an action/);
    expect(out[0].problem).toBeNull();
  });

  it('recognises video files by extension', () => {
    expect(isVideoFile('a.MP4')).toBe(true);
    expect(isVideoFile('clip.webm')).toBe(true);
    expect(isVideoFile('captions.jsonl')).toBe(false);
  });
});
