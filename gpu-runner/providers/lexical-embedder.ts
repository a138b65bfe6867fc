/**
 * Offline embedder: hashed lemma + synonym features (core/lexical.ts), L2-normalised. Identical
 * strings → similarity 1, synonyms ≈ 0.8, unrelated strings ≈ 0. An approximation of BGE-M3 for
 * runs without an embedding server; scores are not comparable with the paper's.
 */
import { lexicalEmbedding } from '../../core/lexical';
import type { Embedder } from './types';

export const LEXICAL_EMBEDDER_MODEL = 'lexical-embedder-v2 (offline approximation, not BGE-M3)';
export const LEXICAL_EMBEDDING_DIM = 512;

export function createLexicalEmbedder(options: { dim?: number } = {}): Embedder {
  const dim = options.dim ?? LEXICAL_EMBEDDING_DIM;
  return {
    id: `lexical:${LEXICAL_EMBEDDER_MODEL}#${dim}`,
    kind: 'lexical',
    model: LEXICAL_EMBEDDER_MODEL,
    async embed(texts) {
      return texts.map((t) => (t.length === 0 ? new Float32Array(0) : lexicalEmbedding(t, dim)));
    },
  };
}
