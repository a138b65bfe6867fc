/**
 * Importers: turn another trainer's output folder into a run (metrics, rollouts, checkpoints) through a
 * RunReporter. Formats: ms-swift (./swift.ts), TRL (./trl.ts), verl (./verl.ts).
 * Unreadable lines are reported with file and line number and skipped; records read but not imported are
 * listed with the reason; the rest imports.
 */
import { join } from 'node:path';
import type { RunReporter } from '../report';
import { IMPORT_FORMATS, ImportSink, isDir, isFile, listDir, numberedDirs, type ImportFormat, type ImportOptions, type ImportResult } from './common';
import { CHECKPOINT_DIR_RE } from './swift-format';
import { importSwift, SWIFT_LOOKED_FOR, swiftRunDirs } from './swift';
import { importTrl, TRL_COMPLETIONS_RE, TRL_LOOKED_FOR, trlTrainerStatePath } from './trl';
import { hasVerlMetricFiles, importVerl, VERL_LOOKED_FOR, verlDumpFiles } from './verl';

export { IMPORT_FORMATS, type ImportFormat, type ImportOptions, type ImportResult, type NotImported } from './common';
export type { ImportLineError } from './jsonl';

const LOOKED_FOR: Record<ImportFormat, string> = { swift: SWIFT_LOOKED_FOR, trl: TRL_LOOKED_FOR, verl: VERL_LOOKED_FOR };

/** Whether `dir` holds what an importer of `format` reads. */
async function hasFormat(dir: string, format: ImportFormat): Promise<boolean> {
  if (format === 'swift') return (await swiftRunDirs(dir)).length > 0;
  if (format === 'trl') {
    if ((await listDir(join(dir, 'completions'))).some((n) => TRL_COMPLETIONS_RE.test(n))) return true;
    return (await trlTrainerStatePath(dir)) !== null;
  }
  return (await verlDumpFiles(dir)).length > 0 || (await hasVerlMetricFiles(dir));
}

/** Which trainer wrote `dir`, or null (see detectImportFormat). */
export async function recognizeImportFormat(dir: string): Promise<ImportFormat | null> {
  if (!(await isDir(dir))) return null;
  if ((await swiftRunDirs(dir)).length > 0) return 'swift';
  if ((await listDir(join(dir, 'completions'))).some((n) => TRL_COMPLETIONS_RE.test(n))) return 'trl';
  if ((await verlDumpFiles(dir)).length > 0) return 'verl';
  if (await isFile(join(dir, 'trainer_state.json'))) return 'trl';
  for (const c of await numberedDirs(dir, CHECKPOINT_DIR_RE)) if (await isFile(join(c.path, 'trainer_state.json'))) return 'trl';
  if (await hasVerlMetricFiles(dir)) return 'verl';
  return null;
}

/**
 * Which trainer wrote `dir`:
 * - swift: logging.jsonl / completions.jsonl in `dir` or in a `v<N>-<date>-<time>` subfolder;
 * - trl: `completions/completions_<step>.parquet`, or a trainer_state.json (top level or in checkpoint-N/);
 * - verl: `<step>.jsonl` rollout dumps, or its file logger's JSONL.
 * Throws, saying what it looked for, when `dir` is none of these.
 */
export async function detectImportFormat(dir: string): Promise<ImportFormat> {
  if (!(await isDir(dir))) throw new Error(`${dir} is not a directory`);
  const format = await recognizeImportFormat(dir);
  if (!format) {
    const expected = IMPORT_FORMATS.map((f) => `${f}: ${LOOKED_FOR[f]}`).join('; ');
    throw new Error(`cannot tell which trainer wrote ${dir}: found none of ${expected}; pass --format (${IMPORT_FORMATS.join(', ')})`);
  }
  return format;
}

/**
 * Checks that `dir` is an output folder of `format` before anything is created on the server. Throws naming
 * what it looked for (and which format the folder looks like, when it is another one).
 */
export async function checkImportFormat(dir: string, format: string): Promise<ImportFormat> {
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`unknown import format "${format}" (expected ${IMPORT_FORMATS.join(', ')})`);
  const f = format as ImportFormat;
  if (!(await isDir(dir))) throw new Error(`${dir} is not a directory`);
  if (await hasFormat(dir, f)) return f;
  const other = await recognizeImportFormat(dir);
  throw new Error(
    `${dir} is not ${f} output: looked for ${LOOKED_FOR[f]}, found none${other ? ` (it looks like ${other} output: try --format ${other})` : ''}`,
  );
}

export async function importRunDirectory(dir: string, reporter: RunReporter, options: ImportOptions = {}): Promise<ImportResult> {
  if (!(await isDir(dir))) throw new Error(`${dir} is not a directory`);
  const format = options.format ?? (await detectImportFormat(dir));
  if (!IMPORT_FORMATS.includes(format)) throw new Error(`unknown import format "${String(format)}" (expected ${IMPORT_FORMATS.join(', ')})`);
  const sink = new ImportSink(reporter, dir);
  if (format === 'swift') await importSwift(dir, sink, options);
  else if (format === 'trl') await importTrl(dir, sink, options);
  else await importVerl(dir, sink, options);
  return sink.finish(format);
}
