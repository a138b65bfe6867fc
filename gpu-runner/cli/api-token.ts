/**
 * The personal API token CLI commands send to the tRPC / HTTP API (`Authorization: Bearer …`), from
 * $VIDEOCAP_API_TOKEN (create one on <server>/account). Runners use runner tokens on the ingest API instead.
 */
export function apiToken(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.VIDEOCAP_API_TOKEN?.trim() || undefined;
}

/** `{authorization: "Bearer <token>"}`, or nothing without a token (AUTH_MODE=open servers). */
export function apiAuthHeaders(token: string | undefined = apiToken()): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
