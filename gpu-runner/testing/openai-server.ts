/**
 * A real local HTTP server speaking the OpenAI wire format, for tests and demos:
 *  - POST /v1/embeddings: deterministic embeddings (signed hashed bag of lowercased words,
 *    L2-normalised), so equal texts → similarity 1, disjoint vocabularies → ≈ 0;
 *  - POST /v1/chat/completions: scripted replies (a queue, a function, or `{"score": 7}`).
 * Scripted failures (status codes, delays) exercise retries and timeouts; every request is
 * recorded. Listens on 127.0.0.1 on a free port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Chat requests: true once a reply was sent on a live connection (false when the client had gone). */
  answered?: boolean;
}

export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  [key: string]: unknown;
}

export type ChatScript = (prompt: string, body: ChatRequestBody) => string | Promise<string>;

export interface OpenAITestServerOptions {
  /** Embedding dimension (default 64). */
  dim?: number;
  /** Chat reply function (default: `{"score": 7}`). `scriptChat` overrides it. */
  chat?: ChatScript;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
}

interface Failure {
  status: number;
  path?: string;
  body?: string;
  retryAfterSeconds?: number;
}

export interface OpenAITestServer {
  /** Base URL, e.g. http://127.0.0.1:43123 (clients append /v1/...). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Most requests that were being handled at the same time. */
  readonly maxConcurrent: number;
  /** Requests to one path, e.g. "/v1/embeddings". */
  requestsTo(path: string): RecordedRequest[];
  /** The next `times` requests (to `path`, or any path) answer `status` instead. */
  failNext(status: number, options?: { times?: number; path?: string; body?: string; retryAfterSeconds?: number }): void;
  /** The next `times` requests wait `ms` before answering (default: all following requests). */
  delayNext(ms: number, times?: number): void;
  /** Replies for the following chat requests: a queue (then the default) or a function. */
  scriptChat(script: string[] | ChatScript): void;
  /** Forgets recorded requests, failures, delays and chat scripts. */
  reset(): void;
  close(): Promise<void>;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The server's embedding of `text`: signed hashed bag of lowercased words, L2-normalised. */
export function hashedBagOfWords(text: string, dim = 64): number[] {
  const v = new Array<number>(dim).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words.length > 0 ? words : [text]) {
    const h = fnv1a(w);
    v[h % dim] += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

function send(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

function errorBody(message: string, type = 'invalid_request_error') {
  return { error: { message, type, param: null, code: null } };
}

export async function startOpenAIServer(options: OpenAITestServerOptions = {}): Promise<OpenAITestServer> {
  const dim = options.dim ?? 64;
  const requests: RecordedRequest[] = [];
  let failures: Failure[] = [];
  let delays: { ms: number; remaining: number } | null = null;
  let chatQueue: string[] = [];
  let chatFn: ChatScript | null = null;
  const defaultChat: ChatScript = options.chat ?? (() => '{"score": 7}');
  let inFlight = 0;
  let maxConcurrent = 0;

  const server = http.createServer((req, res) => {
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    let counted = true;
    const done = () => {
      if (counted) inFlight--;
      counted = false;
    };
    res.once('finish', done);
    res.once('close', done);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0];
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = raw.length > 0 ? JSON.parse(raw) : null;
        } catch {
          body = raw;
        }
        const record: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
        requests.push(record);

        if (delays && delays.remaining !== 0) {
          const ms = delays.ms;
          if (delays.remaining > 0) delays.remaining--;
          await new Promise((r) => setTimeout(r, ms));
          if (res.destroyed) return; // the client gave up (e.g. its timeout)
        }
        const failureAt = failures.findIndex((f) => f.path === undefined || f.path === path);
        if (failureAt >= 0) {
          const failure = failures[failureAt];
          failures.splice(failureAt, 1);
          const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
          send(res, failure.status, failure.body ?? errorBody(`scripted failure ${failure.status}`, 'server_error'), headers);
          return;
        }
        if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
          send(res, 401, errorBody('invalid api key', 'authentication_error'));
          return;
        }
        if (req.method !== 'POST') {
          send(res, 405, errorBody(`method ${req.method} not allowed`));
          return;
        }
        if (typeof body !== 'object' || body === null) {
          send(res, 400, errorBody('body must be a JSON object'));
          return;
        }
        const obj = body as Record<string, unknown>;
        if (path === '/v1/embeddings') {
          const input = typeof obj.input === 'string' ? [obj.input] : obj.input;
          if (typeof obj.model !== 'string' || !Array.isArray(input) || input.some((t) => typeof t !== 'string' || t.length === 0)) {
            send(res, 400, errorBody("'model' must be a string and 'input' a non-empty string or array of non-empty strings"));
            return;
          }
          const texts = input as string[];
          send(res, 200, {
            object: 'list',
            model: obj.model,
            data: texts.map((t, index) => ({ object: 'embedding', index, embedding: hashedBagOfWords(t, dim) })),
            usage: { prompt_tokens: texts.length, total_tokens: texts.length },
          });
          return;
        }
        if (path === '/v1/chat/completions') {
          const messages = Array.isArray(obj.messages) ? (obj.messages as { role: string; content: string }[]) : [];
          const prompt = messages.filter((m) => m && m.role === 'user').map((m) => String(m.content)).join('\n');
          const script = chatQueue.length > 0 ? null : chatFn;
          let content: string;
          try {
            content = chatQueue.length > 0 ? (chatQueue.shift() as string) : await (script ?? defaultChat)(prompt, obj as ChatRequestBody);
          } catch (error) {
            send(res, 500, errorBody(`chat script failed: ${error instanceof Error ? error.message : String(error)}`, 'server_error'));
            return;
          }
          record.answered = !res.destroyed && !req.socket.destroyed;
          send(res, 200, {
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: obj.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
          });
          return;
        }
        send(res, 404, errorBody(`no route ${path}`));
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    requestsTo: (path) => requests.filter((r) => r.path === path),
    failNext(status, opts = {}) {
      for (let i = 0; i < (opts.times ?? 1); i++) {
        failures.push({ status, path: opts.path, body: opts.body, retryAfterSeconds: opts.retryAfterSeconds });
      }
    },
    delayNext(ms, times = -1) {
      delays = { ms, remaining: times };
    },
    scriptChat(script) {
      if (Array.isArray(script)) chatQueue = [...script];
      else chatFn = script;
    },
    reset() {
      requests.length = 0;
      maxConcurrent = inFlight;
      failures = [];
      delays = null;
      chatQueue = [];
      chatFn = null;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
