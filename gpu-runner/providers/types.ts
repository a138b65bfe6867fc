/**
 * Provider interfaces: one per kind (embeddings for Tscore, a chat judge for Escore / CNscore).
 * Implementations: OpenAI-compatible HTTP (./embeddings.ts, ./judge.ts) and offline lexical
 * approximations (./lexical-embedder.ts, ./lexical-judge.ts). Pick one with
 * `createEmbedderFromEnv` / `createJudgeFromEnv`.
 */

export type ProviderKind = 'openai' | 'lexical';

export interface Embedder {
  /** Unique id of this provider configuration, e.g. "openai:BAAI/bge-m3@http://host:8000". */
  readonly id: string;
  readonly kind: ProviderKind;
  readonly model: string;
  /**
   * One vector per input text, in input order, L2-normalised. An empty string gets a zero-length
   * vector (APIs reject empty inputs; Tscore treats it as similarity 0).
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * One judge request: a user message, optionally after a system message (VDCSCORE's prompts have
 * both), with an optional per-request completion budget (VDCSCORE: max_tokens 256).
 */
export interface JudgeRequest {
  system?: string;
  user: string;
  maxTokens?: number;
}

/** A plain string is a single user message. */
export type JudgePrompt = string | JudgeRequest;

export function toJudgeRequest(prompt: JudgePrompt): JudgeRequest {
  return typeof prompt === 'string' ? { user: prompt } : prompt;
}

export interface Judge {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly model: string;
  /** Versions of the prompts this judge is used with (core/escore.ts, core/cnscore.ts). */
  readonly promptVersion: string;
  /** Sampling temperature of every request (0 unless configured; part of the judge cache key). */
  readonly temperature?: number;
  /** Default completion budget per request (part of the judge cache key). */
  readonly maxTokens?: number;
  /** Base URL of an HTTP judge (null for the offline judge); recorded with every evaluation result. */
  readonly endpoint?: string | null;
  /** The judge's reply to one prompt. */
  complete(prompt: JudgePrompt): Promise<string>;
  /** Forget a cached reply (a reply that failed validation is asked again). No-op without a cache. */
  invalidate?(prompt: JudgePrompt): void;
}

/** Counters a provider wrapper exposes for tests and logs. */
export interface ProviderStats {
  cacheHits: number;
  cacheMisses: number;
}
