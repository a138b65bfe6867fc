import { measurementPutSchema } from '../../../../../core/curation/wire';
import { db } from '../../../../../server/db';
import { putMeasurements } from '../../../../../server/services/curation';
import { ingestHandler } from '../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** Store per-file measurements (keyed by path + size + mtime hash; last write wins). */
export async function POST(req: Request) {
  return ingestHandler(req, measurementPutSchema, (body) => putMeasurements(db(), body.measurements));
}
