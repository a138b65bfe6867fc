/**
 * PGlite (one PostgreSQL session in WebAssembly) served to many client connections over the Postgres wire
 * protocol, without letting the connections' protocol state mix.
 *
 * Why not @electric-sql/pglite-socket's PGLiteSocketServer (0.2.17): its queue runs one *message* at a time and
 * keeps a connection's turn only while PGlite is inside a transaction block. The extended query protocol is
 * not: node-postgres sends Parse / Bind / Describe / Execute / Sync for every parameterised query, and the
 * unnamed prepared statement lives in the one shared session from Parse to Sync. When a large Bind arrives in
 * several TCP reads, another connection's whole Parse…Sync runs in between and the first Bind meets the other
 * statement: "bind message supplies 952 parameters, but prepared statement "" requires 4" (a 56-rollout
 * insert of Prisma, 17 columns each, against a 4-parameter query). Named statements collide the same way (two
 * connections preparing "s1"), and an exception inside its queue leaves the queue stuck. Upstream:
 * electric-sql/pglite issue #1046 and PR #977 (open at the time of writing).
 *
 * Here a connection's messages run in *units* that end at Sync, a simple Query, or Flush; a connection keeps the
 * session while its extended-protocol sequence is open (it ended a unit with Flush) or PGlite is inside a
 * transaction block, and other connections wait their turn (FIFO). Statement and portal names are made private
 * to their connection (prefix `c<id>_`) and closed when it disconnects; a connection that disconnects inside a
 * transaction is rolled back. A connection that holds the session idle inside a transaction for longer than
 * `idleInTransactionMs` while others wait is disconnected (PostgreSQL's idle_in_transaction_session_timeout).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export interface PGliteWireServerOptions {
  db: PGlite;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxConnections?: number;
  /** Disconnect a connection idle inside a transaction this long while others wait (ms). */
  idleInTransactionMs?: number;
  log?: (message: string) => void;
}

/** Reads a NUL-terminated string at `offset`; returns it and the offset after the NUL. */
function cstring(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new Error('malformed message: unterminated string');
  return [buf.toString('utf8', offset, end), end + 1];
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function errorResponse(code: string, text: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from(`SERROR\0`, 'utf8'),
    Buffer.from(`VERROR\0`, 'utf8'),
    Buffer.from(`C${code}\0`, 'utf8'),
    Buffer.from(`M${text}\0`, 'utf8'),
    Buffer.from([0]),
  ]);
  return message('E', fields);
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  /** Complete messages waiting to form a unit. */
  private pending: Buffer[] = [];
  /** Units ready to run, in order. */
  readonly units: { bytes: Buffer; endsSequence: boolean }[] = [];
  /** Named statements this connection prepared (prefixed names), closed when it disconnects. */
  readonly statements = new Set<string>();
  closed = false;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly onUnit: () => void,
    private readonly onClose: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private prefix(name: string): string {
    return name === '' ? '' : `c${this.id}_${name}`;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose();
  }

  private receive(data: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    try {
      this.parse();
    } catch (e) {
      this.socket.write(errorResponse('08P01', e instanceof Error ? e.message : String(e)));
      this.close();
    }
  }

  private parse(): void {
    let added = false;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) break;
        const len = this.buffer.readInt32BE(0);
        if (this.buffer.length < len) break;
        const code = this.buffer.readInt32BE(4);
        const msg = this.buffer.subarray(0, len);
        this.buffer = this.buffer.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.close(); // PGlite has no backend process to signal
          return;
        }
        if (code !== PROTOCOL_3) throw new Error(`unsupported protocol version ${code}`);
        this.started = true;
        this.units.push({ bytes: Buffer.from(msg), endsSequence: true });
        added = true;
        continue;
      }
      if (this.buffer.length < 5) break;
      const len = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + len) break;
      const type = String.fromCharCode(this.buffer[0]!);
      const msg = Buffer.from(this.buffer.subarray(0, 1 + len));
      this.buffer = this.buffer.subarray(1 + len);
      if (type === 'X') {
        this.close();
        return;
      }
      this.pending.push(this.rewriteNames(type, msg));
      // Sync and Query end a sequence (the session's unnamed statement and portal are free again after them);
      // Flush asks for the output so far, the sequence stays open; copy messages are answered one by one.
      if (type === 'S' || type === 'Q' || type === 'H' || type === 'd' || type === 'c' || type === 'f') {
        this.units.push({ bytes: Buffer.concat(this.pending), endsSequence: type === 'S' || type === 'Q' });
        this.pending = [];
        added = true;
      }
    }
    if (added) this.onUnit();
  }

  /** Statement and portal names private to this connection. */
  private rewriteNames(type: string, msg: Buffer): Buffer {
    const body = msg.subarray(5);
    if (type === 'P') {
      const [name, off] = cstring(body, 0);
      if (name === '') return msg;
      const prefixed = this.prefix(name);
      this.statements.add(prefixed);
      return message('P', Buffer.concat([Buffer.from(`${prefixed}\0`, 'utf8'), body.subarray(off)]));
    }
    if (type === 'B') {
      const [portal, o1] = cstring(body, 0);
      const [statement, o2] = cstring(body, o1);
      if (portal === '' && statement === '') return msg;
      return message('B', Buffer.concat([Buffer.from(`${this.prefix(portal)}\0${this.prefix(statement)}\0`, 'utf8'), body.subarray(o2)]));
    }
    if (type === 'D' || type === 'C') {
      const kind = body.subarray(0, 1);
      const [name, off] = cstring(body, 1);
      if (name === '') return msg;
      if (type === 'C' && kind.toString('latin1') === 'S') this.statements.delete(this.prefix(name));
      return message(type, Buffer.concat([kind, Buffer.from(`${this.prefix(name)}\0`, 'utf8'), body.subarray(off)]));
    }
    if (type === 'E') {
      const [portal, off] = cstring(body, 0);
      if (portal === '') return msg;
      return message('E', Buffer.concat([Buffer.from(`${this.prefix(portal)}\0`, 'utf8'), body.subarray(off)]));
    }
    return msg;
  }
}

export class PGliteWireServer {
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private nextId = 1;
  /** The connection whose sequence or transaction is open in the session. */
  private owner: Connection | null = null;
  /** Connections with units to run, in arrival order. */
  private readonly ready: Connection[] = [];
  private running = false;
  /** Departed connections whose named statements are still to be closed. */
  private readonly cleanups: Connection[] = [];
  private ownerIdleTimer: NodeJS.Timeout | null = null;
  private readonly log: (message: string) => void;

  constructor(private readonly options: PGliteWireServerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  async start(): Promise<{ host: string; port: number }> {
    await this.options.db.waitReady;
    const host = this.options.host ?? '127.0.0.1';
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = this.options.maxConnections ?? 32;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 5432, host, () => resolve());
    });
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('expected a TCP address');
    return { host, port: address.port };
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.close();
    if (this.ownerIdleTimer) clearTimeout(this.ownerIdleTimer);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private accept(socket: Socket): void {
    const conn: Connection = new Connection(
      this.nextId++,
      socket,
      () => this.schedule(conn),
      () => this.disconnected(conn),
    );
    this.connections.add(conn);
  }

  private schedule(conn: Connection): void {
    if (!this.ready.includes(conn)) this.ready.push(conn);
    if (this.owner === conn && this.ownerIdleTimer) {
      clearTimeout(this.ownerIdleTimer);
      this.ownerIdleTimer = null;
    }
    void this.pump();
  }

  /** Runs units one at a time: cleanups first, then the owner's units, else the longest-waiting connection's. */
  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.owner?.closed) {
          await this.cleanup(this.owner);
          this.owner = null;
          continue;
        }
        if (!this.owner && this.cleanups.length > 0) {
          await this.cleanup(this.cleanups.shift()!);
          continue;
        }
        let conn: Connection | undefined;
        if (this.owner) {
          if (this.owner.units.length === 0) {
            this.armIdleTimer();
            break; // the owner's sequence or transaction is open: everyone else waits for it
          }
          conn = this.owner;
        } else {
          conn = this.ready.find((c) => c.units.length > 0 && !c.closed);
          if (!conn) break;
        }
        const at = this.ready.indexOf(conn);
        if (at >= 0) this.ready.splice(at, 1);
        const unit = conn.units.shift()!;
        await this.execute(conn, unit.bytes);
        const keep = !unit.endsSequence || this.options.db.isInTransaction();
        this.owner = keep ? conn : null;
        if (conn.units.length > 0 && !conn.closed && !this.ready.includes(conn)) this.ready.push(conn);
      }
    } finally {
      this.running = false;
    }
  }

  /** Rolls back what a departed connection left open and closes its named statements (output discarded). */
  private async cleanup(conn: Connection): Promise<void> {
    const sql: string[] = [];
    if (this.owner === conn && this.options.db.isInTransaction()) sql.push('ROLLBACK');
    for (const name of conn.statements) sql.push(`DEALLOCATE "${name.replace(/"/g, '""')}"`);
    if (sql.length === 0) return;
    const bytes = Buffer.concat(sql.map((q) => message('Q', Buffer.from(`${q}\0`, 'utf8'))));
    try {
      await this.options.db.runExclusive(() => this.options.db.execProtocolRawStream(new Uint8Array(bytes), { onRawData: () => undefined }));
    } catch (e) {
      this.log(`pglite: cleanup of connection ${conn.id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async execute(conn: Connection, bytes: Buffer): Promise<void> {
    try {
      await this.options.db.runExclusive(() =>
        this.options.db.execProtocolRawStream(new Uint8Array(bytes), {
          onRawData: (data) => {
            if (!conn.closed && data.length > 0) conn.socket.write(Buffer.from(data));
          },
        }),
      );
    } catch (e) {
      // PGlite threw instead of answering: tell this client and drop it; the others go on.
      this.log(`pglite: connection ${conn.id}: ${e instanceof Error ? e.message : String(e)}`);
      if (!conn.closed) conn.socket.write(errorResponse('XX000', `embedded PostgreSQL failed: ${e instanceof Error ? e.message : String(e)}`));
      conn.close();
    }
  }

  private armIdleTimer(): void {
    const ms = this.options.idleInTransactionMs ?? 60_000;
    if (this.ownerIdleTimer || !this.owner || !this.ready.some((c) => c !== this.owner && c.units.length > 0)) return;
    const owner = this.owner;
    this.ownerIdleTimer = setTimeout(() => {
      this.ownerIdleTimer = null;
      if (this.owner === owner && owner.units.length === 0) {
        this.log(`pglite: connection ${owner.id} idle in transaction for ${ms} ms while others wait: disconnected`);
        if (!owner.closed) owner.socket.write(errorResponse('25P03', 'terminating connection due to idle-in-transaction timeout (embedded PostgreSQL serves one session)'));
        owner.close();
      }
    }, ms);
    this.ownerIdleTimer.unref?.();
  }

  /** A client went away: its open transaction and named statements are cleaned up by the pump. */
  private disconnected(conn: Connection): void {
    this.connections.delete(conn);
    const i = this.ready.indexOf(conn);
    if (i >= 0) this.ready.splice(i, 1);
    conn.units.length = 0;
    if (this.owner === conn) {
      if (this.ownerIdleTimer) clearTimeout(this.ownerIdleTimer);
      this.ownerIdleTimer = null;
    } else if (conn.statements.size > 0) {
      this.cleanups.push(conn);
    }
    void this.pump();
  }
}
