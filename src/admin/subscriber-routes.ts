// The admin API's subscriber provisioning (auth_db's subscriber table, src/state/subscriber-store.ts):
// the bodies it reads and the answers it gives. app.ts chains the routes under the tenant guard, so a
// tenant token reaches only its own tenant's subscribers. A password is read from the body and never
// written anywhere but its digests (and the plaintext column when auth.store_passwords is on): no log line
// and no answer carries it.
import { type Context, Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SubscriberWriteError, SubscriberWriter } from '../cluster/shared-subscribers.ts';
import type { Result } from '../result.ts';
import type { NewSubscriber, SubscriberStore } from '../state/index.ts';
import { TABLE_NAME } from '../state/index.ts';
import { jsonError } from './errors.ts';
import { jsonBody } from './json-body.ts';

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

const STATUS: Record<SubscriberWriteError['code'], ContentfulStatusCode> = {
  exists: 409,
  unknown: 404,
  quota: 409,
  invalid: 400,
  unavailable: 503,
};

export function subscriberError(c: Context, error: SubscriberWriteError) {
  return jsonError(
    c,
    STATUS[error.code],
    error.code === 'unavailable' ? 'cluster-unavailable' : `subscriber-${error.code}`,
    error.message,
  );
}

/** This node's store as a writer: the routes' one path, whether the table is shared or not. */
function localWriter(store: SubscriberStore): SubscriberWriter {
  const now = <T>(r: Result<T, SubscriberWriteError>) => Promise.resolve(r);
  return {
    add: (tenant, table, s) => now(store.add(tenant, table, s)),
    addAll: (tenant, table, list, replace) => now(store.addAll(tenant, table, list, replace)),
    setPassword: (tenant, table, s) => now(store.setPassword(tenant, table, s)),
    remove: (tenant, table, username, domain) => now(store.remove(tenant, table, username, domain)),
    refresh: () => Promise.resolve(true),
  };
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

/** The subscriber routes of one tenant, mounted under /v1/tenants/:tenant/subscribers (app.ts guards it). */
export function subscriberRoutes(store: SubscriberStore | undefined, log: Logger, shared?: SubscriberWriter) {
  const tenantOf = (c: Context) => c.req.param('tenant') ?? '';
  const writer = shared ?? (store && localWriter(store));
  return new Hono()
    .get('/', pageQuery, async (c) => {
      if (!store || !writer) return noStore(c);
      const tenant = tenantOf(c);
      const { limit, offset } = c.req.valid('query');
      // Shared: read from the cluster's Redis first; when it does not answer, this node's copy says so.
      const fresh = await writer.refresh(tenant);
      return c.json({
        tenant,
        ...(shared && { source: fresh ? 'redis' : 'copy' }),
        total: store.count(tenant),
        subscribers: store.list(tenant, limit, offset),
      });
    })
    .post('/', jsonBody(ADD_BODY, '{"username", "domain", "password", "table"?}'), async (c) => {
      if (!writer) return noStore(c);
      const tenant = tenantOf(c);
      const body = c.req.valid('json');
      const added = await writer.add(tenant, body.table, newSubscriber(body));
      if (!added.ok) return subscriberError(c, added.error);
      log.info(
        { tenant, table: body.table, username: body.username, domain: body.domain },
        'subscriber added',
      );
      return c.json(
        { tenant, table: body.table, username: body.username, domain: body.domain.toLowerCase() },
        201,
      );
    })
    .post(
      '/import',
      jsonBody(IMPORT_BODY, '{"subscribers": [{"username", "domain", "password"}], "replace"?, "table"?}'),
      async (c) => {
        if (!writer) return noStore(c);
        const tenant = tenantOf(c);
        const body = c.req.valid('json');
        const done = await writer.addAll(
          tenant,
          body.table,
          body.subscribers.map(newSubscriber),
          body.replace,
        );
        if (!done.ok) return subscriberError(c, done.error);
        log.info({ tenant, table: body.table, ...done.value }, 'subscribers imported');
        return c.json({ tenant, table: body.table, ...done.value });
      },
    )
    .put('/:domain/:username', jsonBody(PASSWORD_BODY, '{"password", "table"?}'), async (c) => {
      if (!writer) return noStore(c);
      const { domain, username } = c.req.param();
      const tenant = tenantOf(c);
      const body = c.req.valid('json');
      const changed = await writer.setPassword(tenant, body.table, {
        username,
        domain,
        password: body.password,
      });
      if (!changed.ok) return subscriberError(c, changed.error);
      log.info({ tenant, table: body.table, username, domain }, 'subscriber password changed');
      return c.json({ tenant, table: body.table, username, domain: domain.toLowerCase() });
    })
    .delete('/:domain/:username', tableQuery, async (c) => {
      if (!writer) return noStore(c);
      const { domain, username } = c.req.param();
      const tenant = tenantOf(c);
      const { table } = c.req.valid('query');
      const removed = await writer.remove(tenant, table, username, domain);
      if (!removed.ok) return subscriberError(c, removed.error);
      log.info({ tenant, table, username, domain }, 'subscriber removed');
      return c.json({ tenant, table, username, domain: domain.toLowerCase() });
    });
}
