import { ingestEnvelopeSchema } from '../../../../../../core/ingest';
import { db } from '../../../../../../server/db';
import { ingestEventsOrReject } from '../../../../../../server/services/ingest';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/**
 * A batch of metrics, rollouts, checkpoints and log lines. Idempotent (the last write wins). Each item is
 * validated on its own: valid items are stored, invalid ones answer 400 naming item and field
 * (`rollouts.3.step: …`) with what was stored; text the database refuses is sanitised and listed in `sanitized`.
 */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, ingestEnvelopeSchema, (batch) => ingestEventsOrReject(db(), id, batch), { runId: id });
}
