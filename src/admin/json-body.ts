// The JSON body of an admin route, checked against a zod schema before the handler runs: 400 naming the
// first problem and the expected shape (never echoing a value, which may be a password).
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import { jsonError } from './errors.ts';

/** A JSON body checked against `schema`; 400 naming the first problem (never echoing a value). */
export function jsonBody<T extends z.ZodType>(schema: T, shape: string) {
  return createMiddleware<
    { Variables: Record<string, unknown> },
    string,
    { in: { json: z.input<T> }; out: { json: z.output<T> } }
  >(async (c, next) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return jsonError(c, 400, 'bad-request', `the body must be JSON: ${shape}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return jsonError(
        c,
        400,
        'bad-request',
        `${issue.path.join('.') || 'body'}: ${issue.message} (${shape})`,
      );
    }
    c.req.addValidatedData('json', parsed.data as object);
    await next();
  });
}
