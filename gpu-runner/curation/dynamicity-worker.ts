/** A worker thread of the dynamicity pool: loads OpenCV once, then measures clips on request. */
import { parentPort } from 'node:worker_threads';
import { measureDynamicity } from './dynamicity';
import { loadOpenCv } from './opencv';
import type { PoolRequest, PoolResponse } from './pool';
import { MediaToolError } from './video';

if (!parentPort) throw new Error('dynamicity-worker must run in a worker thread');
const port = parentPort;
void loadOpenCv();
port.on('message', (req: PoolRequest) => {
  void (async () => {
    let res: PoolResponse;
    try {
      res = { id: req.id, ok: true, result: await measureDynamicity(req.path, req.probe, req.options, { threads: 1 }) };
    } catch (e) {
      res = { id: req.id, ok: false, media: e instanceof MediaToolError, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(res);
  })();
});
