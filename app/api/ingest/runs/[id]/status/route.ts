import { sanitizeJsonText, statusUpdateSchema } from '../../../../../../core/ingest';
import { db } from '../../../../../../server/db';
import { transitionRun } from '../../../../../../server/services/runs';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** A state transition reported by the runner (starting, running, succeeded, failed, cancelled). */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(
    req,
    statusUpdateSchema,
    (raw) => {
      const u = sanitizeJsonText(raw).value;
      return transitionRun(db(), id, u.to, u.reason, { runnerId: u.runnerId, summary: u.summary, scorer: u.scorer });
    },
    { runId: id },
  );
}
