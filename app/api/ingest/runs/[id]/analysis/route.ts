import { analysisReportSchema } from '../../../../../../core/compare/analysis';
import { db } from '../../../../../../server/db';
import { applyAnalysisReport } from '../../../../../../server/services/analysis';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** An analyze run's results for some captions (replaces each caption's analysis and unreviewed auto spans). */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, analysisReportSchema, (body) => applyAnalysisReport(db(), id, body));
}
