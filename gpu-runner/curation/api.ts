/** The curate run's side of the ingest API (runner → server, token-authenticated, retried). */
import type { CuratedDatasetInput, CurationReportInput, VideoMeasurementWire } from '../../core/curation/wire';
import type { ClipRecord } from '../../core/types';
import type { ServerClient } from '../server-client';

export interface RunnerDatasetClips {
  dataset: { id: string; name: string; kind: string; benchmarks: string[] };
  clips: (ClipRecord & { thinkSource: string | null })[];
}

export interface CurationApi {
  lookupMeasurements(fileKeys: string[]): Promise<VideoMeasurementWire[]>;
  putMeasurements(measurements: VideoMeasurementWire[]): Promise<void>;
  report(runId: string, report: CurationReportInput): Promise<void>;
  /** Every clip of a dataset (by name or id). */
  datasetClips(nameOrId: string): Promise<RunnerDatasetClips>;
  /** Create the run's output dataset (first call) or add clips to it. */
  putDataset(runId: string, input: CuratedDatasetInput): Promise<{ id: string; name: string; clips: number }>;
}

const CHUNK = 2000;

export function curationApi(client: ServerClient): CurationApi {
  const post = <T>(path: string, body: unknown) => client.withRetry(() => client.request<T>('POST', path, body), 5 * 60_000);
  return {
    async lookupMeasurements(fileKeys) {
      const out: VideoMeasurementWire[] = [];
      for (let i = 0; i < fileKeys.length; i += 5000) {
        const r = await post<{ measurements: VideoMeasurementWire[] }>('/api/ingest/curation/measurements/lookup', { fileKeys: fileKeys.slice(i, i + 5000) });
        out.push(...r.measurements);
      }
      return out;
    },
    async putMeasurements(measurements) {
      for (let i = 0; i < measurements.length; i += CHUNK) await post('/api/ingest/curation/measurements', { measurements: measurements.slice(i, i + CHUNK) });
    },
    async report(runId, report) {
      const clips = report.clips ?? [];
      const path = `/api/ingest/runs/${encodeURIComponent(runId)}/curation`;
      if (clips.length <= CHUNK) {
        await post(path, report);
        return;
      }
      for (let i = 0; i < clips.length; i += CHUNK) {
        await post(path, { reset: i === 0 ? report.reset : false, clips: clips.slice(i, i + CHUNK), stages: i + CHUNK >= clips.length ? report.stages : [] });
      }
    },
    async datasetClips(nameOrId) {
      let cursor: string | null = null;
      let dataset: RunnerDatasetClips['dataset'] | null = null;
      const clips: RunnerDatasetClips['clips'] = [];
      do {
        const q: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
        const page: RunnerDatasetClips & { nextCursor: string | null } = await client.withRetry(() =>
          client.request('GET', `/api/ingest/datasets/${encodeURIComponent(nameOrId)}/clips${q}`),
        );
        dataset = page.dataset;
        clips.push(...page.clips);
        cursor = page.nextCursor;
      } while (cursor);
      return { dataset: dataset!, clips };
    },
    async putDataset(runId, input) {
      const clips = input.clips ?? [];
      let last = { id: '', name: input.name, clips: 0 };
      for (let i = 0; i === 0 || i < clips.length; i += CHUNK) {
        last = await post(`/api/ingest/runs/${encodeURIComponent(runId)}/dataset`, { ...input, clips: clips.slice(i, i + CHUNK) });
      }
      return last;
    },
  };
}
