/**
 * `videocap import-captions FILE [--model NAME] [--benchmark dream-1k]`: import a captions file as
 * caption sources for the comparison view (/compare/clips), through the tRPC HTTP API
 * (`captionSource.import`, the same as the browser's drag and drop), as the owner of
 * $VIDEOCAP_API_TOKEN (researcher or admin; not needed with AUTH_MODE=open). Exit code 0 when imported,
 * 1 when the file cannot be read or the server refuses it, 2 for option errors (no or several FILEs).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { referenceSkippedMessage } from '../../core/eval/predictions';
import { apiToken } from './api-token';
import { callTrpc } from './trpc-http';

const USAGE = `usage: videocap import-captions FILE [--model NAME] [--benchmark dream-1k|vdc|carebench] [--server URL]
FILE: JSONL, one {"id"|"vid": …, "caption": "…"} per line, with --model naming the model (e.g. "GPT-4o");
or the multi-model DREAM-1K explorer format ({"idx", "descriptions": {"<model>": "<caption>"}} per line),
one source per model (--model imports only that one; the "Human" entry is the reference and is skipped).
Importing the same model again updates its source: captions with unchanged text keep their annotations,
changed ones are updated and their annotations flagged for review.
The server URL defaults to $VIDEOCAP_SERVER_URL or http://127.0.0.1:3000.
Authenticates with $VIDEOCAP_API_TOKEN (a personal API token: create one on <server>/account).`;

interface ImportResult {
  sources: { id: string; name: string; model: string; new: boolean; created: number; unchanged: number; changed: number; spansFlagged: number }[];
  skippedModels: string[];
  report: {
    format: string;
    records: number;
    malformed: { count: number; first: { where: string; error: string }[] };
    sources: { model: string | null; unknownIds: { count: number; ids: string[] }; duplicates: { count: number; ids: string[] }; emptyCaptions: { count: number }; errorCaptions: { count: number } }[];
  };
}

/** POST captionSource.import (gpu-runner/cli/trpc-http.ts); rejects with the server's message (and fields) or the unreachable server. */
export function importCaptionsViaHttp(
  server: string,
  input: { text: string; fileName: string; benchmark: string; model?: string | null },
  opts: { token?: string; timeoutMs?: number } = {},
): Promise<ImportResult> {
  return callTrpc<ImportResult>(server, 'captionSource.import', input, { token: opts.token, timeoutMs: opts.timeoutMs ?? 120_000 }).catch((e: unknown) => {
    throw e instanceof Error ? new Error(e.message.replace(/^captionSource\.import rejected/, 'import rejected')) : e;
  });
}

export async function runImportCaptionsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      benchmark: { type: 'string', default: 'dream-1k' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(`videocap import-captions: give exactly one FILE\n\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    console.error(`videocap import-captions: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1; // like every command: 1 for a file that cannot be read, 2 only for option errors
  }
  const server = values.server ?? process.env.VIDEOCAP_SERVER_URL ?? 'http://127.0.0.1:3000';
  let r: ImportResult;
  try {
    r = await importCaptionsViaHttp(server, { text, fileName: path.basename(file), benchmark: values.benchmark ?? 'dream-1k', model: values.model ?? null }, { token: apiToken() });
  } catch (e) {
    console.error(`videocap import-captions: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const m of r.report.malformed.first) console.error(`problem: ${m.where}: ${m.error}`);
  if (r.report.malformed.count > r.report.malformed.first.length) console.error(`… and ${r.report.malformed.count - r.report.malformed.first.length} more malformed record(s)`);
  for (const s of r.report.sources) {
    const who = s.model ?? values.model ?? '';
    if (s.unknownIds.count) console.error(`${who}: ${s.unknownIds.count} caption(s) for clips not in ${values.benchmark}: ${s.unknownIds.ids.join(', ')}`);
    if (s.duplicates.count) console.error(`${who}: ${s.duplicates.count} duplicate clip(s), the first caption kept: ${s.duplicates.ids.join(', ')}`);
    if (s.errorCaptions.count || s.emptyCaptions.count) console.error(`${who}: ${s.errorCaptions.count} "<error>" and ${s.emptyCaptions.count} empty caption(s), imported as they are`);
  }
  if (r.skippedModels.length) console.error(referenceSkippedMessage(r.skippedModels));
  for (const s of r.sources) {
    console.log(
      `${s.new ? 'created' : 'updated'} source "${s.name}" (${s.id}): ${s.created} new, ${s.unchanged} unchanged, ${s.changed} changed caption(s)` +
        (s.spansFlagged ? `; ${s.spansFlagged} annotation(s) flagged for review` : ''),
    );
  }
  return 0;
}
