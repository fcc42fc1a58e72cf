// The admin API's subscriber provisioning (auth_db's subscriber table, src/state/subscriber-store.ts):
// the bodies it reads and the answers it gives. app.ts chains the routes under the tenant guard, so a
// tenant token reaches only its own tenant's subscribers. A password is read from the body and never
// written anywhere but its digests (and the plaintext column when auth.store_passwords is on): no log line
// and no answer carries it.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { NewSubscriber, SubscriberError, SubscriberStore } from '../state/index.ts';
import { TABLE_NAME } from '../state/index.ts';
import { jsonError } from './errors.ts';

export const DEFAULT_TABLE = 'subscriber';
/** Subscribers listed per page at most. */
export const MAX_LIST = 1000;

const table = z.string().regex(TABLE_NAME, 'a table is 1-64 letters, digits or "_"').default(DEFAULT_TABLE);
const entry = z.object({ username: z.string(), domain: z.string(), password: z.string() }).strict();

export const ADD_BODY = entry.extend({ table }).strict();
export const PASSWORD_BODY = z.object({ password: z.string(), table }).strict();
export const IMPORT_BODY = z
  .object({ table, replace: z.boolean().default(false), subscribers: z.array(entry).min(1) })
  .strict();

export type AddBody = z.infer<typeof ADD_BODY>;
export type PasswordBody = z.infer<typeof PASSWORD_BODY>;
export type ImportBody = z.infer<typeof IMPORT_BODY>;

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

const STATUS: Record<SubscriberError['code'], ContentfulStatusCode> = {
  exists: 409,
  unknown: 404,
  quota: 409,
  invalid: 400,
};

export function subscriberError(c: Context, error: SubscriberError) {
  return jsonError(
    c,
    STATUS[error.code],
    error.code === 'quota' ? 'subscriber-quota' : `subscriber-${error.code}`,
    error.message,
  );
}

/** 404 when the server runs without a subscriber store (an admin app made without one, in tests). */
export function noStore(c: Context) {
  return jsonError(c, 404, 'no-subscriber-store', 'this server has no subscriber store');
}

export function newSubscriber(body: { username: string; domain: string; password: string }): NewSubscriber {
  return { username: body.username, domain: body.domain, password: body.password };
}

/** `?limit=&offset=` of the list, bounded (a value that is not a count takes the default). */
export const pageQuery = createMiddleware<
  { Variables: Record<string, unknown> },
  string,
  { in: { query: { limit?: string; offset?: string } }; out: { query: { limit: number; offset: number } } }
>(async (c, next) => {
  const limit = Number(c.req.query('limit') ?? MAX_LIST);
  const offset = Number(c.req.query('offset') ?? 0);
  c.req.addValidatedData('query', {
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIST) : MAX_LIST,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
  });
  await next();
});

/** `?table=`: a table name, "subscriber" when absent. */
export const tableQuery = createMiddleware<
  { Variables: Record<string, unknown> },
  string,
  { in: { query: { table?: string } }; out: { query: { table: string } } }
>(async (c, next) => {
  const name = c.req.query('table') ?? DEFAULT_TABLE;
  if (!TABLE_NAME.test(name)) return jsonError(c, 400, 'bad-request', 'table: 1-64 letters, digits or "_"');
  c.req.addValidatedData('query', { table: name });
  await next();
});

export type { SubscriberStore };
