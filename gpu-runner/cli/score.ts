/**
 * `videocap score`: score completions from JSONL with the paper's rewards.
 *
 *   videocap score --input in.jsonl --output out.jsonl [--sim-threshold 0.5]
 *                  [--rewards format,tscore] [--escore-thresholds 0.28,0.35] [--breakdown]
 *                  [--prefilled-think]
 *
 * Input lines: {"id", "completion", "reference_think": [{"subject","attributes":[],"actions":[]}],
 *               "reference_caption"?, "reference_events"?}
 * Output: one line per input line, in input order (line N of the output answers line N of the input):
 *   {"id", "format": 0|1, "tscore", "action": {"precision","recall","f1"}, "attribute": {…},
 *    "escore"?, "cnscore"?, "reward", "scorer": {…}, "errors"?, "breakdown"?}
 *  - format and Tscore are always reported (the contract's fields); `reward` sums only the
 *    requested components (`--rewards name[:weight],…`).
 *  - Default --rewards: format,tscore, plus escore on lines whose reference_events is non-empty
 *    (the paper's reward where events exist; Escore needs a judge call, so it is not forced on
 *    lines without events). An explicit --rewards applies to every line.
 *  - A component that could not be computed is null and explained in "errors".
 *  - A malformed line becomes {"id": <id or null>, "line": N, "error": "…"}; the rest still score.
 *  - A blank line is an error line too ({"id": null, "line": N, "error": "line N: blank line …"}), so
 *    output and input stay aligned line by line. `-` reads stdin / writes stdout.
 * Streams in chunks of 256 lines; providers come from the environment (EMBEDDING_* / JUDGE_*).
 * Exit code 0 when the input was read (even with malformed lines), 1 when the input cannot be
 * read or the output written, 2 for invalid options or provider variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { z } from 'zod';
import type { RewardComponent } from '../../core/types';
import { parseRewardWeights, type RewardWeight } from '../../core/reward';
import { ProviderConfigError } from '../providers/env';
import { createRewardServiceFromEnv, scorerIdentity, type EnvRewardService } from '../rewards/service';
import type { RewardRequestItem, RewardResultItem } from '../rewards/types';

/** True when both paths name one existing file (same device and inode; "-" is never a file). */
export function sameFile(a: string, b: string): boolean {
  if (a === '-' || b === '-') return false;
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

export const SCORE_USAGE = `usage: videocap score --input in.jsonl --output out.jsonl [options]

Scores completions with the VideoCap-R1 rewards (format, Tscore, Escore, CNscore).

options:
  --input <file|->             JSONL, one {"id","completion","reference_think",
                               "reference_caption"?,"reference_events"?} per line
  --output <file|->            JSONL, one result per input line, in order
  --rewards <list>             components and optional weights, e.g. format,tscore or
                               format:1,tscore:1,escore:1 (default: format,tscore, plus
                               escore on lines with reference_events)
  --sim-threshold <δ>          Tscore similarity threshold δ (default 0.5)
  --escore-thresholds <δ1,δ2>  Escore coverage thresholds (default 0.28,0.35)
  --breakdown                  include the score breakdown (matches, entailments) per line
  --prefilled-think            the chat template prefilled <think>: a completion that starts
                               inside the think (no opening tag) gets format 1 when the rest
                               is right (default: the paper's rule, <think> required)
  --help                       show this help

environment:
  EMBEDDING_BASE_URL, EMBEDDING_MODEL, EMBEDDING_API_KEY   OpenAI-compatible /v1/embeddings
  JUDGE_BASE_URL, JUDGE_MODEL, JUDGE_API_KEY               OpenAI-compatible /v1/chat/completions
  (unset: offline lexical approximations, named as such in "scorer")`;

export const SCORE_CHUNK_LINES = 256;

const thinkSubjectSchema = z.object({
  subject: z.string(),
  attributes: z.array(z.string()).default([]),
  actions: z.array(z.string()).default([]),
});

const inputLineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  completion: z.string(),
  reference_think: z.array(thinkSubjectSchema),
  reference_caption: z.string().nullish(),
  reference_events: z.array(z.string()).nullish(),
});

type InputLine = z.infer<typeof inputLineSchema>;

interface ParsedArgs {
  input: string;
  output: string;
  rewards: RewardWeight[] | null;
  simThreshold: number;
  escoreThresholds: [number, number];
  breakdown: boolean;
  prefilledThink: boolean;
}

class UsageError extends Error {}

function parseUnit(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${flag}: "${raw}" must be a number in [0, 1]`);
  return value;
}

function parseCliArgs(argv: string[]): ParsedArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        output: { type: 'string', short: 'o' },
        rewards: { type: 'string' },
        'sim-threshold': { type: 'string' },
        'escore-thresholds': { type: 'string' },
        breakdown: { type: 'boolean', default: false },
        'prefilled-think': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (!values.input) throw new UsageError('--input is required');
  if (!values.output) throw new UsageError('--output is required');
  let rewards: RewardWeight[] | null = null;
  if (values.rewards !== undefined) {
    try {
      rewards = parseRewardWeights(values.rewards);
    } catch (error) {
      throw new UsageError(`--rewards: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const simThreshold = values['sim-threshold'] === undefined ? 0.5 : parseUnit('--sim-threshold', values['sim-threshold']);
  let escoreThresholds: [number, number] = [0.28, 0.35];
  if (values['escore-thresholds'] !== undefined) {
    const parts = values['escore-thresholds'].split(',');
    if (parts.length !== 2) throw new UsageError(`--escore-thresholds: "${values['escore-thresholds']}" must be two numbers, e.g. 0.28,0.35`);
    escoreThresholds = [parseUnit('--escore-thresholds', parts[0]), parseUnit('--escore-thresholds', parts[1])];
    if (escoreThresholds[0] > escoreThresholds[1]) throw new UsageError(`--escore-thresholds: δ1 ${escoreThresholds[0]} must be ≤ δ2 ${escoreThresholds[1]}`);
  }
  return {
    input: values.input,
    output: values.output,
    rewards,
    simThreshold,
    escoreThresholds,
    breakdown: values.breakdown,
    prefilledThink: values['prefilled-think'],
  };
}

type LineOutcome =
  | { kind: 'error'; out: { id: string | number | null; line: number; error: string } }
  | { kind: 'ok'; line: number; input: InputLine; weights: RewardWeight[] };

function describeJsonError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseLine(raw: string, lineNo: number, explicit: RewardWeight[] | null): LineOutcome {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { kind: 'error', out: { id: null, line: lineNo, error: `line ${lineNo}: invalid JSON: ${describeJsonError(error)}` } };
  }
  const rawId = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).id : undefined;
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
  const parsed = inputLineSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(line)'}: ${i.message}`).join('; ');
    return { kind: 'error', out: { id, line: lineNo, error: `line ${lineNo}: ${issues}` } };
  }
  const hasEvents = (parsed.data.reference_events ?? []).some((e) => e.trim().length > 0);
  const weights = explicit ?? [
    { name: 'format' as const, weight: 1 },
    { name: 'tscore' as const, weight: 1 },
    ...(hasEvents ? [{ name: 'escore' as const, weight: 1 }] : []),
  ];
  return { kind: 'ok', line: lineNo, input: parsed.data, weights };
}

/** Requested weights plus zero-weight format and tscore, which the output always reports. */
function withReportedComponents(weights: RewardWeight[]): RewardWeight[] {
  const out = [...weights];
  for (const name of ['format', 'tscore'] as const) if (!out.some((w) => w.name === name)) out.push({ name, weight: 0 });
  return out;
}

function outputLine(input: InputLine, result: RewardResultItem, weights: RewardWeight[], args: ParsedArgs, service: EnvRewardService): Record<string, unknown> {
  const requested = weights.map((w) => w.name);
  const components: RewardComponent[] = [...new Set<RewardComponent>(['format', 'tscore', ...requested])];
  const scorer = scorerIdentity(service.identity, { components, simThreshold: args.simThreshold, escoreThresholds: args.escoreThresholds });
  const zero = { precision: 0, recall: 0, f1: 0 };
  const out: Record<string, unknown> = {
    id: input.id,
    format: result.rewards.format ?? null,
    tscore: result.rewards.tscore ?? null,
    action: result.action ?? (result.rewards.tscore !== undefined ? zero : null),
    attribute: result.attribute ?? (result.rewards.tscore !== undefined ? zero : null),
  };
  if (requested.includes('escore')) out.escore = result.rewards.escore ?? null;
  if (requested.includes('cnscore')) out.cnscore = result.rewards.cnscore ?? null;
  out.reward = result.reward;
  out.scorer = scorer;
  if (result.errors && result.errors.length > 0) out.errors = result.errors;
  if (args.breakdown) out.breakdown = result.breakdown;
  return out;
}

async function scoreChunk(chunk: LineOutcome[], args: ParsedArgs, service: EnvRewardService): Promise<string[]> {
  const results = new Map<number, Record<string, unknown>>();
  // Lines with the same reward set are scored in one service call (one embedding request).
  const groups = new Map<string, Extract<LineOutcome, { kind: 'ok' }>[]>();
  for (const outcome of chunk) {
    if (outcome.kind !== 'ok') continue;
    const key = outcome.weights.map((w) => `${w.name}:${w.weight}`).join(',');
    const group = groups.get(key);
    if (group) group.push(outcome);
    else groups.set(key, [outcome]);
  }
  for (const group of groups.values()) {
    const weights = group[0].weights;
    const items: RewardRequestItem[] = group.map((g) => ({
      id: String(g.input.id),
      completion: g.input.completion,
      referenceThink: g.input.reference_think,
      referenceCaption: g.input.reference_caption ?? null,
      referenceEvents: g.input.reference_events ?? null,
    }));
    const scored = await service.score(items, {
      rewards: withReportedComponents(weights),
      simThreshold: args.simThreshold,
      escoreThresholds: args.escoreThresholds,
      prefilledThink: args.prefilledThink,
    });
    group.forEach((g, k) => results.set(g.line, outputLine(g.input, scored[k], weights, args, service)));
  }
  return chunk.map((outcome) => JSON.stringify(outcome.kind === 'error' ? outcome.out : results.get(outcome.line)));
}

async function openInput(path: string): Promise<NodeJS.ReadableStream> {
  if (path === '-') return process.stdin;
  const stat = await fs.promises.stat(path);
  if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  await fs.promises.access(path, fs.constants.R_OK);
  const stream = fs.createReadStream(path, { encoding: 'utf8' });
  await once(stream, 'open');
  return stream;
}

async function writeAll(out: NodeJS.WritableStream, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
}

/** Entry point of `videocap score`; returns the exit code. */
export async function runScoreCommand(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    const parsed = parseCliArgs(argv);
    if (parsed === 'help') {
      console.log(SCORE_USAGE);
      return 0;
    }
    args = parsed;
  } catch (error) {
    console.error(`videocap score: ${error instanceof Error ? error.message : String(error)}\n\n${SCORE_USAGE}`);
    return 2;
  }

  let service: EnvRewardService;
  try {
    service = createRewardServiceFromEnv(process.env);
  } catch (error) {
    if (error instanceof ProviderConfigError) {
      console.error(`videocap score: ${error.issues.join('\n  ')}`);
      return 2;
    }
    throw error;
  }

  if (sameFile(args.input, args.output)) {
    console.error(`videocap score: --output ${args.output} is the --input file; scoring would overwrite its input. Choose another output file.\n\n${SCORE_USAGE}`);
    return 2;
  }

  let input: NodeJS.ReadableStream;
  try {
    input = await openInput(args.input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    console.error(`videocap score: cannot read --input ${args.input}: ${reason}`);
    return 1;
  }

  let output: NodeJS.WritableStream;
  const toStdout = args.output === '-';
  // The output is written to a sibling temporary file and renamed over --output only when every line
  // is written: a failed run leaves an existing output file as it was.
  const tmpOutput = toStdout ? '' : path.join(path.dirname(path.resolve(args.output)), `.${path.basename(args.output)}.${process.pid}.partial`);
  const discardTmp = () => {
    if (tmpOutput) fs.rmSync(tmpOutput, { force: true });
  };
  if (toStdout) {
    output = process.stdout;
  } else {
    const file = fs.createWriteStream(tmpOutput, { encoding: 'utf8' });
    try {
      await once(file, 'open');
    } catch (error) {
      console.error(`videocap score: cannot write --output ${args.output}: ${error instanceof Error ? error.message : String(error)}`);
      (input as fs.ReadStream).destroy?.();
      discardTmp();
      return 1;
    }
    output = file;
  }

  const started = Date.now();
  let lineNo = 0;
  let scoredLines = 0;
  let errorLines = 0;
  let chunk: LineOutcome[] = [];
  const flush = async () => {
    const lines = await scoreChunk(chunk, args, service);
    for (const outcome of chunk) {
      if (outcome.kind === 'error') errorLines++;
      else scoredLines++;
    }
    chunk = [];
    await writeAll(output, lines);
  };

  try {
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    for await (const raw of rl) {
      lineNo++;
      chunk.push(
        raw.trim().length === 0
          ? { kind: 'error', out: { id: null, line: lineNo, error: `line ${lineNo}: blank line (expected one JSON object per line)` } }
          : parseLine(raw, lineNo, args.rewards),
      );
      if (chunk.length >= SCORE_CHUNK_LINES) await flush();
    }
    if (chunk.length > 0) await flush();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = code && code.startsWith('E') && lineNo === 0 ? `cannot read --input ${args.input}` : `failed after line ${lineNo}`;
    console.error(`videocap score: ${where}: ${error instanceof Error ? error.message : String(error)}`);
    if (!toStdout) {
      (output as fs.WriteStream).end();
      discardTmp();
    }
    return 1;
  }

  if (!toStdout) {
    const file = output as fs.WriteStream;
    try {
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.end(() => resolve());
      });
      fs.renameSync(tmpOutput, args.output);
    } catch (error) {
      console.error(`videocap score: cannot write --output ${args.output}: ${error instanceof Error ? error.message : String(error)}`);
      discardTmp();
      return 1;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(
    `videocap score: ${scoredLines} scored, ${errorLines} malformed line${errorLines === 1 ? '' : 's'} in ${seconds}s → ${toStdout ? 'stdout' : args.output} (embedder: ${service.embedder.model})`,
  );
  return 0;
}
