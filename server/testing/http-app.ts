/**
 * Serves the app's real route handlers (ingest API, tRPC, health) over real HTTP from a plain
 * node:http server, for integration tests that need runners talking to the server without `next build`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as authRoutes from '../../app/api/auth/[...all]/route';
import * as health from '../../app/api/health/route';
import * as ingestPing from '../../app/api/ingest/ping/route';
import * as ingestRuns from '../../app/api/ingest/runs/route';
import * as ingestRun from '../../app/api/ingest/runs/[id]/route';
import * as ingestEvents from '../../app/api/ingest/runs/[id]/events/route';
import * as ingestStatus from '../../app/api/ingest/runs/[id]/status/route';
import * as trpc from '../../app/api/trpc/[trpc]/route';
import * as metricsCsv from '../../app/api/metrics.csv/route';
import * as judgeCache from '../../app/api/ingest/judge-cache/route';
import * as judgeCacheLookup from '../../app/api/ingest/judge-cache/lookup/route';
import * as evalInputs from '../../app/api/ingest/runs/[id]/eval-inputs/route';
import * as evalSamples from '../../app/api/ingest/runs/[id]/eval-samples/route';
import * as ingestMeasurementLookup from '../../app/api/ingest/curation/measurements/lookup/route';
import * as ingestMeasurements from '../../app/api/ingest/curation/measurements/route';
import * as ingestCuration from '../../app/api/ingest/runs/[id]/curation/route';
import * as ingestRunDataset from '../../app/api/ingest/runs/[id]/dataset/route';
import * as ingestDatasetClips from '../../app/api/ingest/datasets/[name]/clips/route';
import * as frames from '../../app/api/frames/route';
import * as analysisInputs from '../../app/api/ingest/runs/[id]/analysis-inputs/route';
import * as analysisReport from '../../app/api/ingest/runs/[id]/analysis/route';
import * as annotationsExport from '../../app/api/annotations/export/route';
import * as annotationsImport from '../../app/api/annotations/import/route';
import * as clipVideo from '../../app/api/clip-video/route';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: 'GET', pattern: /^\/api\/health$/, handler: health.GET as Handler },
  { method: 'GET', pattern: /^\/api\/auth\/.+$/, handler: authRoutes.GET as Handler },
  { method: 'POST', pattern: /^\/api\/auth\/.+$/, handler: authRoutes.POST as Handler },
  { method: 'GET', pattern: /^\/api\/ingest\/ping$/, handler: ingestPing.GET as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/runs$/, handler: ingestRuns.POST as Handler },
  { method: 'GET', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)$/, handler: ingestRun.GET as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/events$/, handler: ingestEvents.POST as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/status$/, handler: ingestStatus.POST as Handler },
  { method: 'GET', pattern: /^\/api\/metrics\.csv$/, handler: metricsCsv.GET as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/judge-cache$/, handler: judgeCache.POST as Handler },
  { method: 'GET', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/analysis-inputs$/, handler: analysisInputs.GET as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/analysis$/, handler: analysisReport.POST as Handler },
  { method: 'GET', pattern: /^\/api\/annotations\/export$/, handler: annotationsExport.GET as Handler },
  { method: 'POST', pattern: /^\/api\/annotations\/import$/, handler: annotationsImport.POST as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/judge-cache\/lookup$/, handler: judgeCacheLookup.POST as Handler },
  { method: 'GET', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/eval-inputs$/, handler: evalInputs.GET as Handler },
  { method: 'GET', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/eval-samples$/, handler: evalSamples.GET as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/curation\/measurements\/lookup$/, handler: ingestMeasurementLookup.POST as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/curation\/measurements$/, handler: ingestMeasurements.POST as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/curation$/, handler: ingestCuration.POST as Handler },
  { method: 'POST', pattern: /^\/api\/ingest\/runs\/(?<id>[^/]+)\/dataset$/, handler: ingestRunDataset.POST as Handler },
  { method: 'GET', pattern: /^\/api\/ingest\/datasets\/(?<name>[^/]+)\/clips$/, handler: ingestDatasetClips.GET as Handler },
  { method: 'GET', pattern: /^\/api\/frames$/, handler: frames.GET as Handler },
  { method: 'GET', pattern: /^\/api\/clip-video$/, handler: clipVideo.GET as Handler },
  { method: 'GET', pattern: /^\/api\/trpc\/.+$/, handler: trpc.GET as Handler },
  { method: 'POST', pattern: /^\/api\/trpc\/.+$/, handler: trpc.POST as Handler },
];

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  return new Request(new URL(req.url ?? '/', base), { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
}

export interface TestApp {
  url: string;
  server: Server;
  /** Simulate an outage: answer 503 to everything while true. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startTestApp(port = 0): Promise<TestApp> {
  let down = false;
  const server = createServer((req, res) => {
    void (async () => {
      const base = `http://${req.headers.host ?? '127.0.0.1'}`;
      if (down) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"simulated outage"}');
        return;
      }
      const url = new URL(req.url ?? '/', base);
      const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const params = (route.pattern.exec(url.pathname)?.groups ?? {}) as Record<string, string>;
      try {
        const response = await route.handler(await toRequest(req, base), { params: Promise.resolve(params) });
        const headers: Record<string, string | string[]> = Object.fromEntries(response.headers.entries());
        const cookies = response.headers.getSetCookie();
        if (cookies.length) headers['set-cookie'] = cookies;
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    })();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const { port: p } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${p}`,
    server,
    setDown: (d) => {
      down = d;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
