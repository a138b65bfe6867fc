/**
 * Embedded PostgreSQL for the demo when no DATABASE_URL is given: PGlite (Postgres compiled to
 * WebAssembly) served over the Postgres wire protocol, data kept under .data/pglite.
 *   tsx scripts/pglite-server.ts <dataDir> <port>
 * The wire server is ./lib/pglite-wire.ts (one PGlite session shared by many connections without mixing
 * their extended-protocol state; see there why not @electric-sql/pglite-socket's server).
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdir } from 'node:fs/promises';
import { PGliteWireServer } from './lib/pglite-wire';

const [dataDir = '.data/pglite', portArg = '5433'] = process.argv.slice(2);
await mkdir(dataDir, { recursive: true });
const db = await PGlite.create(dataDir);
const server = new PGliteWireServer({ db, port: Number(portArg), host: '127.0.0.1', maxConnections: 32, log: (m) => console.error(m) });
await server.start();
console.log(`embedded postgres (PGlite) listening on 127.0.0.1:${portArg}, data in ${dataDir}`);
const stop = async () => {
  await server.stop().catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
