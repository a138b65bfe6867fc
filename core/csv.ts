/**
 * CSV export of plotted metric series (RFC 4180): one row per raw point, never smoothed values.
 *
 *   run_id,run,key,step,wall_time,value,scorer
 *
 * `run_id` identifies the run (names are not unique), `run` is its name as the legend shows it.
 * `scorer` says how the run's scores were produced (core/scorer-view.ts `scorerText`: embedder,
 * judge, prompt version, thresholds, "approximate" for offline lexical providers); empty when the
 * run recorded none. A column rather than a `#` comment line, which spreadsheets show as data and
 * pandas reads only with `comment='#'`.
 *
 * `wall_time` is Unix time in seconds with millisecond precision, as TensorBoard's CSV export and
 * `pandas.to_datetime(df.wall_time, unit="s")` expect. Non-finite values are written as `NaN`,
 * `Infinity`, `-Infinity` (Python's float() and pandas read these). Records end with CRLF; a field
 * is quoted when it holds a comma, a double quote, CR or LF, or leading/trailing spaces, and
 * quotes inside are doubled.
 */

export const CSV_HEADER = ['run_id', 'run', 'key', 'step', 'wall_time', 'value', 'scorer'] as const;

/** One plotted series in columns, as the charts hold it. */
export interface CsvSeries {
  runId: string;
  /** Run name as the user sees it in the legend. */
  run: string;
  /** How the run's scores were produced (one line); '' or absent when unknown. */
  scorer?: string;
  key: string;
  steps: ArrayLike<number>;
  /** Epoch milliseconds, aligned with `steps`; optional (empty cells when absent). */
  wallTimes?: ArrayLike<number> | null;
  values: ArrayLike<number>;
}

/** Quote a field if RFC 4180 requires it (or it has spaces at either end, which some readers trim). */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value !== value.trim()) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

function formatWallTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return String(Math.round(ms) / 1000);
}

/** Join rows of already-formatted cells into a CSV document (CRLF line ends, trailing CRLF). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const row of rows) out += row.map(csvField).join(',') + '\r\n';
  return out;
}

/** CSV of the raw points of every series, in series order then step order. */
export function seriesToCsv(series: readonly CsvSeries[]): string {
  const parts: string[] = [CSV_HEADER.join(',') + '\r\n'];
  for (const s of series) {
    const run = `${csvField(s.runId)},${csvField(s.run)}`;
    const key = csvField(s.key);
    const scorer = csvField(s.scorer ?? '');
    const n = Math.min(s.steps.length, s.values.length);
    for (let i = 0; i < n; i++) {
      const wall = s.wallTimes && i < s.wallTimes.length ? formatWallTime(s.wallTimes[i]) : '';
      parts.push(`${run},${key},${formatNumber(s.steps[i])},${wall},${formatNumber(s.values[i])},${scorer}\r\n`);
    }
  }
  return parts.join('');
}

/**
 * Parse an RFC 4180 document into rows of strings (quoted fields may hold commas, quotes and line
 * breaks; CRLF or LF line ends). A trailing line break does not make an empty last row.
 * Lenient where the RFC is strict: text after a closing quote is appended to the field.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A file name for an export: letters, digits, dot, dash and underscore only. */
export function csvFileName(parts: readonly string[]): string {
  const base = parts
    .map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter(Boolean)
    .join('-')
    .slice(0, 120);
  return `${base || 'metrics'}.csv`;
}
