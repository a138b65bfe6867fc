import { ingestBatchSchema } from '../../../../../../core/ingest';
import { db } from '../../../../../../server/db';
import { applyIngestBatch } from '../../../../../../server/services/ingest';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** A batch of metrics, rollouts, checkpoints and log lines. Idempotent. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, ingestBatchSchema, (batch) => applyIngestBatch(db(), id, batch), { runId: id });
}
