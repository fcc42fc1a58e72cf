// Every admin API error is a JSON body `{ "error": code, "reason": text }` with a 4xx/5xx status: the code
// for programs, the reason (what and where, and the fix when there is one) for people.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RegistryErrorCode } from '../registry/index.ts';

export interface ErrorBody {
  readonly error: string;
  readonly reason: string;
}

/** The error as a typed JSON response, so that clients see ErrorBody among a route's responses. */
export function jsonError<S extends ContentfulStatusCode>(
  c: Context,
  status: S,
  error: string,
  reason: string,
) {
  const body: ErrorBody = { error, reason };
  return c.json(body, status);
}

/** The HTTP status for each registry refusal: the module's fault (4xx) or the server's (5xx). */
export const REGISTRY_STATUS: Record<RegistryErrorCode, ContentfulStatusCode> = {
  'unknown-tenant': 404,
  'unknown-version': 404,
  corrupt: 409,
  'no-previous': 409,
  conflict: 409,
  store: 500,
  'cluster-unavailable': 503,
  crashed: 500,
  timeout: 422,
  'too-large': 413,
  malformed: 422,
  'not-component': 422,
  structure: 422,
  unsupported: 422,
  import: 422,
  capability: 422,
  export: 422,
  limit: 422,
  path: 422,
};
