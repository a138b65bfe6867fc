import { measurementLookupSchema } from '../../../../../../core/curation/wire';
import { db } from '../../../../../../server/db';
import { lookupMeasurements } from '../../../../../../server/services/curation';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** Stored per-file measurements (probe, optical flow) for the given file keys. */
export async function POST(req: Request) {
  return ingestHandler(req, measurementLookupSchema, (body) => lookupMeasurements(db(), body.fileKeys));
}
