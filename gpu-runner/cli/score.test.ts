import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startOpenAIServer, type OpenAITestServer } from '../testing/openai-server';
import { LEXICAL_JUDGE_MODEL } from '../providers/lexical-judge';
import { scorerIdentitySchema } from '../../core/scorer';
import { runScoreCommand, SCORE_CHUNK_LINES } from './score';

let server: OpenAITestServer;
let dir: string;
const savedEnv = { ...process.env };
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

beforeAll(async () => {
  server = await startOpenAIServer({ dim: 64 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videocap-score-'));
  process.env.EMBEDDING_BASE_URL = server.url;
  process.env.EMBEDDING_MODEL = 'BAAI/bge-m3';
  process.env.EMBEDDING_MAX_RETRIES = '0';
  delete process.env.JUDGE_BASE_URL;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  vi.restoreAllMocks();
});

const referenceThink = [{ subject: 'Woman', attributes: ['long hair'], actions: ['walk forward', 'wave hand'] }];
const good = (id: string | number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    completion: '<think>\n#Subject 1: Woman [long hair], [walk forward, wave hand]\n</think>\n<answer>A woman walks forward and waves her hand.</answer>',
    reference_think: referenceThink,
    ...extra,
  });

function writeInput(lines: string[]): string {
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function readOutput(file: string): Record<string, unknown>[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('videocap score', () => {
  it('scores a JSONL file end to end against an OpenAI-compatible embedding server, keeping malformed lines', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    const input = writeInput([
      good('a'),
      '{"id": "broken", "completion": ',
      good('b', { completion: 'no tags at all' }),
      JSON.stringify({ id: 7, completion: 'x', reference_think: [{ subject: 'Dog', attributes: 'brown' }] }),
      '',
      good(3, { reference_events: ['A woman walks forward.', 'A cat sleeps.'], reference_caption: 'A woman walks.' }),
    ]);
    const output = path.join(dir, 'out.jsonl');
    const code = await runScoreCommand(['--input', input, '--output', output]);
    expect(code).toBe(0);
    const rows = readOutput(output);
    expect(rows.map((r) => r.id)).toEqual(['a', null, 'b', 7, null, 3]);

    expect(rows[0]).toEqual({
      id: 'a',
      format: 1,
      tscore: 1,
      action: { precision: 1, recall: 1, f1: 1 },
      attribute: { precision: 1, recall: 1, f1: 1 },
      reward: 2,
      scorer: {
        embedder: { kind: 'openai', model: 'BAAI/bge-m3', id: `openai:BAAI/bge-m3@${server.url}` },
        judge: null,
        simThreshold: 0.5,
        escoreThresholds: null,
        approximate: false,
        label: 'BAAI/bge-m3 embedder',
      },
    });
    expect(rows[1]).toEqual({ id: null, line: 2, error: expect.stringMatching(/^line 2: invalid JSON: /) });
    expect(rows[2]).toMatchObject({ id: 'b', format: 0, tscore: 0, reward: 0 });
    expect(rows[3]).toEqual({ id: 7, line: 4, error: 'line 4: reference_think.0.attributes: Invalid input: expected array, received string' });
    expect(rows[4]).toEqual({ id: null, line: 5, error: 'line 5: blank line (expected one JSON object per line)' });
    // Line 6 has events, so Escore joins by default (lexical judge: 1 of 2 events → 0.5 ≥ 0.35 → 1).
    expect(rows[5]).toMatchObject({ id: 3, format: 1, tscore: 1, escore: 1, reward: 3 });
    // The offline judge is named as an approximation on the line it scored.
    expect(rows[5].scorer).toEqual({
      embedder: { kind: 'openai', model: 'BAAI/bge-m3', id: `openai:BAAI/bge-m3@${server.url}` },
      judge: { kind: 'lexical', model: LEXICAL_JUDGE_MODEL, id: `lexical:${LEXICAL_JUDGE_MODEL}`, promptVersion: 'autodq-v1' },
      simThreshold: 0.5,
      escoreThresholds: [0.28, 0.35],
      approximate: true,
      label: 'BAAI/bge-m3 embedder + lexical judge — offline approximation, not Qwen2.5-72B',
    });
    expect(scorerIdentitySchema.safeParse(rows[5].scorer).success).toBe(true);
    // Lines without and with events are two service calls; the second finds its strings cached.
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(1);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/3 scored, 3 malformed lines/);
  });

  it('answers every input line with one output line, blank lines included (as error lines)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const input = writeInput(['', good('a'), '   ', '', good('b'), '\t']);
    const output = path.join(dir, 'out.jsonl');
    expect(await runScoreCommand(['--input', input, '--output', output])).toBe(0);
    const rows = readOutput(output);
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.id ?? null)).toEqual([null, 'a', null, null, 'b', null]);
    for (const n of [1, 3, 4, 6]) expect(rows[n - 1]).toEqual({ id: null, line: n, error: `line ${n}: blank line (expected one JSON object per line)` });
    expect(rows[1]).toMatchObject({ id: 'a', format: 1, tscore: 1 });
  });

  it('honours --rewards, --sim-threshold, --escore-thresholds and --breakdown with a remote judge', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    process.env.JUDGE_BASE_URL = server.url;
    process.env.JUDGE_MODEL = 'Qwen2.5-72B-Instruct';
    // 1 of 3 events entailed: coverage 0.333 → 0.5 with δ = (0.3, 0.4).
    server.scriptChat(['{"events": [{"event": "a", "relationship": "entailment"}, {"event": "b", "relationship": "neutral"}, {"event": "c", "relationship": "neutral"}]}']);
    const input = writeInput([good('x', { reference_events: ['e1', 'e2', 'e3'] })]);
    const output = path.join(dir, 'out.jsonl');
    const code = await runScoreCommand(['--input', input, '--output', output, '--rewards', 'tscore:2,escore', '--sim-threshold', '0.9', '--escore-thresholds', '0.3,0.4', '--breakdown']);
    expect(code).toBe(0);
    const [row] = readOutput(output);
    // reward = 2·tscore(1) + escore(0.5) = 2.5; format is reported but not part of the reward.
    expect(row).toMatchObject({ id: 'x', format: 1, tscore: 1, escore: 0.5, reward: 2.5 });
    expect(row.scorer).toMatchObject({ judge: { kind: 'openai', model: 'Qwen2.5-72B-Instruct', promptVersion: 'autodq-v1' }, simThreshold: 0.9, escoreThresholds: [0.3, 0.4] });
    expect((row.breakdown as { tscore: { simThreshold: number } }).tscore.simThreshold).toBe(0.9);
    expect((server.requestsTo('/v1/chat/completions')[0].body as { messages: { content: string }[] }).messages[0].content).toContain("Events: ['e1', 'e2', 'e3']");
  });

  it('--prefilled-think gives format 1 to completions that start inside the think', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const inside = '\n#Subject 1: Woman [long hair], [walk forward, wave hand]\n</think>\n<answer>A woman walks forward and waves her hand.</answer>';
    const input = writeInput([good('p', { completion: inside }), good('q')]);
    const paper = path.join(dir, 'paper.jsonl');
    const prefilled = path.join(dir, 'prefilled.jsonl');
    expect(await runScoreCommand(['--input', input, '--output', paper])).toBe(0);
    expect(await runScoreCommand(['--input', input, '--output', prefilled, '--prefilled-think'])).toBe(0);
    expect(readOutput(paper).map((r) => [r.id, r.format, r.tscore, r.reward])).toEqual([['p', 0, 1, 1], ['q', 1, 1, 2]]);
    expect(readOutput(prefilled).map((r) => [r.id, r.format, r.tscore, r.reward])).toEqual([['p', 1, 1, 2], ['q', 1, 1, 2]]);
  });

  it('streams in chunks of 256 lines and keeps the order', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const n = SCORE_CHUNK_LINES * 2 + 10;
    const input = writeInput(Array.from({ length: n }, (_, i) => good(i)));
    const output = path.join(dir, 'out.jsonl');
    expect(await runScoreCommand(['--input', input, '--output', output])).toBe(0);
    const rows = readOutput(output);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i));
    // One embedding request for the first chunk; later chunks hit the cache.
    expect(server.requestsTo('/v1/embeddings')).toHaveLength(1);
  });

  it('records an unreachable embedder per line and still exits 0', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    server.failNext(500, { path: '/v1/embeddings' });
    const input = writeInput([good('a')]);
    const output = path.join(dir, 'out.jsonl');
    expect(await runScoreCommand(['--input', input, '--output', output])).toBe(0);
    const [row] = readOutput(output);
    expect(row).toMatchObject({ id: 'a', format: 1, tscore: null, action: null, reward: 1 });
    expect(row.errors).toEqual([expect.stringMatching(/^tscore: embedding failed: .*HTTP 500/)]);
  });

  it('exits 1 when the input cannot be read, 2 on bad options or provider variables, 0 for --help', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    const stdout = vi.spyOn(console, 'log').mockImplementation(() => {});
    const output = path.join(dir, 'out.jsonl');
    expect(await runScoreCommand(['--input', path.join(dir, 'missing.jsonl'), '--output', output])).toBe(1);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/cannot read --input .*missing\.jsonl: no such file/);
    expect(await runScoreCommand(['--input', dir, '--output', output])).toBe(1);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/is a directory/);

    const input = writeInput([good('a')]);
    expect(await runScoreCommand(['--input', input])).toBe(2);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/--output is required/);
    expect(await runScoreCommand(['--input', input, '--output', output, '--sim-threshold', '1.5'])).toBe(2);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/--sim-threshold: "1.5" must be a number in \[0, 1\]/);
    expect(await runScoreCommand(['--input', input, '--output', output, '--rewards', 'format,bleu'])).toBe(2);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/unknown reward "bleu"/);
    expect(await runScoreCommand(['--input', input, '--output', output, '--escore-thresholds', '0.4,0.3'])).toBe(2);
    expect(await runScoreCommand(['--input', input, '--output', output, '--frobnicate'])).toBe(2);

    process.env.EMBEDDING_BASE_URL = 'not a url';
    expect(await runScoreCommand(['--input', input, '--output', output])).toBe(2);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/EMBEDDING_BASE_URL: must be an http\(s\) URL/);

    expect(await runScoreCommand(['--help'])).toBe(0);
    expect(stdout.mock.calls[0][0]).toMatch(/^usage: videocap score --input in.jsonl --output out.jsonl/);
  });

  it('refuses an --output that is the --input file (also through a symlink) and leaves the input intact', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    const input = writeInput([good('a'), good('b')]);
    const before = fs.readFileSync(input, 'utf8');
    expect(await runScoreCommand(['--input', input, '--output', input])).toBe(2);
    expect(stderr.mock.calls.at(-1)?.[0]).toMatch(/--output .*in\.jsonl is the --input file/);
    const link = path.join(dir, 'link.jsonl');
    fs.symlinkSync(input, link);
    expect(await runScoreCommand(['--input', input, '--output', link])).toBe(2);
    expect(fs.readFileSync(input, 'utf8')).toBe(before);
  });

  it('writes through a temporary sibling file renamed over --output at the end (no .partial file left)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const output = path.join(dir, 'out.jsonl');
    fs.writeFileSync(output, 'previous results\n');
    const input = writeInput([good('a')]);
    expect(await runScoreCommand(['--input', input, '--output', output])).toBe(0);
    expect(readOutput(output)).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('runs through the bin (npx videocap score)', async () => {
    const input = writeInput([good('bin')]);
    const output = path.join(dir, 'out.jsonl');
    const { stderr } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin', 'videocap.mjs'), 'score', '--input', input, '--output', output], {
      cwd: repoRoot,
      env: { ...process.env, EMBEDDING_BASE_URL: server.url },
    });
    expect(stderr).toMatch(/1 scored, 0 malformed lines/);
    expect(readOutput(output)[0]).toMatchObject({ id: 'bin', format: 1, tscore: 1, reward: 2 });
  }, 60_000);
});
