/** Shared pieces of the importers: result type, the sink that resolves lineage and counts, file helpers. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CheckpointRecord, MetricPoint, RolloutRecord } from '../../core/types';
import type { RunReporter } from '../report';
import type { ImportLineError } from './jsonl';

export const IMPORT_FORMATS = ['swift', 'trl', 'verl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  /** Skip detection. */
  format?: ImportFormat;
  /**
   * G = num_generations, when the run does not record it (ms-swift writes it to args.json; TRL and verl do not).
   * It overrides args.json and is cross-checked against the prompt column.
   */
  numGenerations?: number;
}

export type ImportRecordKind = 'metrics' | 'rollouts' | 'checkpoints';

/** Records of one kind that were read but are not sent, and why (one entry per reason and place). */
export interface NotImported {
  kind: ImportRecordKind;
  count: number;
  reason: string;
  /** File (relative to the import root) or launch the records came from. */
  where: string;
}

export interface ImportResult {
  format: ImportFormat;
  /** How many distinct metric points, rollouts and checkpoints were sent to the server. */
  metrics: number;
  rollouts: number;
  checkpoints: number;
  /** Lines (or files) that could not be read, with file and line; everything else was considered. */
  errors: ImportLineError[];
  /** Records that were read but not sent, grouped by reason (superseded by a resumed launch, unknown G, …). */
  notImported: NotImported[];
  /** Things the user should know that lose nothing (e.g. the trainer records no per-step time). */
  warnings: string[];
  /** Last step and the trainer's planned steps (null when the output does not say). */
  progress: { step: number; maxSteps: number | null } | null;
  /** The launches read (ms-swift `v<N>-…` folders; one for the other formats), oldest first. */
  launches: { name: string; firstStep: number | null; lastStep: number | null }[];
}


/**
 * Collects what an importer reads, then sends one lineage to the reporter (`finish`):
 * - within a launch, a record logged again for the same identity replaces the earlier one;
 * - a later launch (a resume, or a restart in the same output folder) owns every step from its first step on:
 *   records of earlier launches at those steps are not sent, for metrics, rollouts and checkpoints alike.
 * Counts in the result are what was sent; what was read and not sent is listed with the reason.
 */
export class ImportSink {
  private readonly launchNames: string[] = [];
  /** Per launch, records by identity (a later record of the same identity replaces the earlier one). */
  private readonly metricsByKey: Map<string, MetricPoint>[] = [];
  private readonly rolloutsByKey: Map<string, RolloutRecord>[] = [];
  private readonly checkpointsByStep: Map<number, CheckpointRecord>[] = [];
  private readonly stepRange: { lo: number; hi: number }[] = [];
  private readonly notImportedMap = new Map<string, NotImported>();
  private readonly warningSet = new Set<string>();
  private progressInfo: { step: number; maxSteps: number | null } | null = null;
  readonly errors: ImportLineError[] = [];

  constructor(
    private readonly reporter: RunReporter,
    readonly root: string,
  ) {}

  rel(path: string): string {
    return relative(this.root, path) || '.';
  }

  /** Starts a launch (an ms-swift version folder; the whole folder for the other formats). Returns its index. */
  launch(name: string): number {
    this.launchNames.push(name);
    this.stepRange.push({ lo: Infinity, hi: -Infinity });
    this.metricsByKey.push(new Map());
    this.rolloutsByKey.push(new Map());
    this.checkpointsByStep.push(new Map());
    return this.launchNames.length - 1;
  }

  /** A line (or file, line 0) that could not be read. */
  error(path: string, line: number, message: string): void {
    this.errors.push({ file: this.rel(path), line, message });
  }

  /** Records read but not imported, and why. */
  notImported(kind: ImportRecordKind, count: number, reason: string, where: string): void {
    if (count <= 0) return;
    const key = `${kind}\u0000${reason}\u0000${where}`;
    const e = this.notImportedMap.get(key);
    if (e) e.count += count;
    else this.notImportedMap.set(key, { kind, count, reason, where });
  }

  warn(message: string): void {
    this.warningSet.add(message);
  }

  progress(step: number, maxSteps: number | null): void {
    if (!this.progressInfo || step >= this.progressInfo.step) this.progressInfo = { step, maxSteps: maxSteps ?? this.progressInfo?.maxSteps ?? null };
  }

  private seen(launch: number, step: number): void {
    const r = this.stepRange[launch]!;
    r.lo = Math.min(r.lo, step);
    r.hi = Math.max(r.hi, step);
  }

  addMetrics(launch: number, points: readonly MetricPoint[], where: string): void {
    let replaced = 0;
    const map = this.metricsByKey[launch]!;
    for (const p of points) {
      const key = `${p.key}\u0000${p.step}`;
      if (map.has(key)) replaced++;
      map.set(key, p);
      this.seen(launch, p.step);
    }
    this.notImported('metrics', replaced, 'logged again for the same step and key: the later value is kept', where);
  }

  addRollouts(launch: number, rows: readonly RolloutRecord[], where: string): void {
    let replaced = 0;
    const map = this.rolloutsByKey[launch]!;
    for (const r of rows) {
      const key = `${r.step}\u0000${r.clipId}\u0000${r.groupIndex}\u0000${r.sampleIndex}`;
      if (map.has(key)) replaced++;
      map.set(key, r);
      this.seen(launch, r.step);
    }
    this.notImported('rollouts', replaced, 'logged again with the same identity (step, clip, group, sample): the later one is kept', where);
  }

  addCheckpoint(launch: number, c: CheckpointRecord): void {
    this.checkpointsByStep[launch]!.set(c.step, c);
  }

  /** First step each launch's successors start at (Infinity for the last launch). */
  private supersededFrom(): number[] {
    const n = this.launchNames.length;
    const cut = new Array<number>(n).fill(Infinity);
    let next = Infinity;
    for (let i = n - 1; i >= 0; i--) {
      cut[i] = next;
      const lo = this.stepRange[i]!.lo;
      if (Number.isFinite(lo)) next = Math.min(next, lo);
    }
    return cut;
  }

  /** Applies the lineage rule, sends everything to the reporter in order, and returns the result. */
  async finish(format: ImportFormat): Promise<ImportResult> {
    const cut = this.supersededFrom();
    // After the cut no two launches share a step, so no identity is kept twice.
    const keep = <T extends { step: number }>(kind: ImportRecordKind, perLaunch: Map<unknown, T>[]): T[] => {
      const out: T[] = [];
      perLaunch.forEach((map, launch) => {
        let dropped = 0;
        for (const record of map.values()) {
          if (record.step >= cut[launch]!) dropped++;
          else out.push(record);
        }
        if (dropped === 0) return;
        const successor = this.launchNames.findIndex((_, j) => j > launch && this.stepRange[j]!.lo === cut[launch]);
        this.notImported(
          kind,
          dropped,
          `superseded: the later launch ${this.launchNames[successor] ?? ''} restarts at step ${cut[launch]} (resumed runs keep one lineage: the later launch's records)`,
          this.launchNames[launch]!,
        );
      });
      return out.sort((a, b) => a.step - b.step);
    };
    const metrics = keep('metrics', this.metricsByKey);
    const rollouts = keep('rollouts', this.rolloutsByKey);
    const checkpoints = keep('checkpoints', this.checkpointsByStep);
    for (let i = 0; i < metrics.length; i += 2000) await this.reporter.metrics(metrics.slice(i, i + 2000));
    for (let i = 0; i < rollouts.length; i += 500) await this.reporter.rollouts(rollouts.slice(i, i + 500));
    for (const c of checkpoints) await this.reporter.checkpoint(c);
    return {
      format,
      metrics: metrics.length,
      rollouts: rollouts.length,
      checkpoints: checkpoints.length,
      errors: this.errors,
      notImported: [...this.notImportedMap.values()],
      warnings: [...this.warningSet],
      progress: this.progressInfo,
      launches: this.launchNames.map((name, i) => {
        const r = this.stepRange[i]!;
        return { name, firstStep: Number.isFinite(r.lo) ? r.lo : null, lastStep: Number.isFinite(r.hi) ? r.hi : null };
      }),
    };
  }
}

/**
 * Wall times of a trainer's points from its own elapsed time: the file was last written when its last point was
 * logged, so point i's time is mtime − (last elapsed − elapsed_i). Points without an elapsed time get the file's
 * time (and the importer says so).
 */
export function wallTimesFromElapsed(elapsedSeconds: readonly (number | null)[], fileMtimeMs: number): number[] {
  const last = [...elapsedSeconds].reverse().find((e): e is number => e !== null);
  if (last === undefined) return elapsedSeconds.map(() => fileMtimeMs);
  const start = fileMtimeMs - last * 1000;
  return elapsedSeconds.map((e) => (e === null ? fileMtimeMs : start + e * 1000));
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Numbered checkpoint folders (`checkpoint-N`, verl's `global_step_N`) of a directory, by step. */
export async function numberedDirs(dir: string, re: RegExp): Promise<{ step: number; path: string }[]> {
  const out: { step: number; path: string }[] = [];
  for (const name of await listDir(dir)) {
    const m = re.exec(name);
    if (m && (await isDir(join(dir, name)))) out.push({ step: Number(m[1]), path: join(dir, name) });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** File modification time, for wall times of imported points the trainer did not time. */
export async function mtimeMs(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** A RunReporter that keeps everything in memory (read a folder first, create the run only if there is something). */
export class BufferedReporter implements RunReporter {
  readonly points: MetricPoint[] = [];
  readonly rows: RolloutRecord[] = [];
  readonly checkpoints: CheckpointRecord[] = [];
  async metrics(points: MetricPoint[]): Promise<void> {
    for (const p of points) this.points.push(p);
  }
  async rollouts(rows: RolloutRecord[]): Promise<void> {
    for (const r of rows) this.rows.push(r);
  }
  async checkpoint(c: CheckpointRecord): Promise<void> {
    this.checkpoints.push(c);
  }
  async log(): Promise<void> {}

  /** Sends everything to another reporter, in the order received. */
  async replay(to: RunReporter): Promise<void> {
    for (let i = 0; i < this.points.length; i += 2000) await to.metrics(this.points.slice(i, i + 2000));
    for (let i = 0; i < this.rows.length; i += 500) await to.rollouts(this.rows.slice(i, i + 500));
    for (const c of this.checkpoints) await to.checkpoint(c);
  }
}
