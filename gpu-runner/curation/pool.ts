/**
 * Measuring dynamicity on every core: a pool of worker threads, each with its own OpenCV instance
 * and its own single-threaded ffmpeg decoder, one clip at a time per worker.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DynamicityOptions } from '../../core/curation/config';
import type { VideoProbe } from '../../core/curation/ffprobe';
import type { DynamicityMeasurement } from './dynamicity';
import { MediaToolError } from './video';

export interface PoolRequest {
  id: number;
  path: string;
  probe: VideoProbe;
  options: DynamicityOptions;
}
export type PoolResponse = { id: number; ok: true; result: DynamicityMeasurement } | { id: number; ok: false; media: boolean; error: string };

interface Pending {
  resolve: (m: DynamicityMeasurement) => void;
  reject: (e: Error) => void;
}

export class DynamicityPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { req: PoolRequest; pending: Pending }[] = [];
  private readonly inFlight = new Map<Worker, { req: PoolRequest; pending: Pending }>();
  private nextId = 1;
  private closed = false;

  /** `size` worker threads (default: one per core). */
  constructor(size = 0) {
    this.size = size > 0 ? size : availableParallelism();
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./dynamicity-worker.ts', import.meta.url).href },
    });
    worker.on('message', (res: PoolResponse) => {
      const job = this.inFlight.get(worker);
      this.inFlight.delete(worker);
      if (job) {
        if (res.ok) job.pending.resolve(res.result);
        else job.pending.reject(res.media ? new MediaToolError(res.error) : new Error(res.error));
      }
      this.idle.push(worker);
      this.pump();
    });
    worker.on('error', (e) => {
      // A crashed worker fails its clip and is replaced.
      const job = this.inFlight.get(worker);
      this.inFlight.delete(worker);
      job?.pending.reject(new Error(`dynamicity worker crashed: ${e.message}`));
      this.workers.splice(this.workers.indexOf(worker), 1);
      if (!this.closed) {
        this.spawn();
        this.pump();
      }
    });
    this.workers.push(worker);
    this.idle.push(worker);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.inFlight.set(worker, job);
      worker.postMessage(job.req);
    }
  }

  /** Measure one clip; rejects with MediaToolError for an unreadable or truncated file. */
  measure(path: string, probe: VideoProbe, options: DynamicityOptions): Promise<DynamicityMeasurement> {
    if (this.closed) return Promise.reject(new Error('the dynamicity pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, path, probe, options }, pending: { resolve, reject } });
      this.pump();
    });
  }

  /** Stop every worker; queued and running measurements reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.pending.reject(new Error('the dynamicity pool was closed'));
    for (const [, job] of this.inFlight) job.pending.reject(new Error('the dynamicity pool was closed'));
    this.inFlight.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
