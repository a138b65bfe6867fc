// Entry of a curation worker thread: registers tsx (TypeScript) in this thread, then loads the
// TypeScript module named in workerData.entry. Node cannot start a worker on a .ts file directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
