import { curationReportSchema } from '../../../../../../core/curation/wire';
import { db } from '../../../../../../server/db';
import { applyCurationReport } from '../../../../../../server/services/curation';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** A curate run's per-clip rows and stage progress (idempotent by clip ordinal / stage). */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, curationReportSchema, (body) => applyCurationReport(db(), id, body));
}
