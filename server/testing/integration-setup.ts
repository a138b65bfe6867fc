/**
 * Runs before every integration test file (vitest.config.ts). scripts/test.ts creates an admin user and
 * a personal API token in the test database and exports it as VIDEOCAP_API_TOKEN; requests in this
 * process that carry no credentials (createCaller with `new Headers()`, fetch through startTestApp)
 * then act as that admin. Tests about access call `asAnonymous()` / pass explicit credentials.
 */
import { setDefaultTestToken } from '../auth/actor';

setDefaultTestToken(process.env.VIDEOCAP_API_TOKEN ?? null);
