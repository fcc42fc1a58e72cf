// The admin API's read of accounting records (KSR acc, src/state/acc-store.ts):
//   GET /v1/tenants/:tenant/acc?table=acc|missed_calls&limit=&offset=&since=
// app.ts chains it under the tenant guard, so a tenant token reads only its own tenant's records. `since`
// is an ISO 8601 time or milliseconds since the epoch; records are listed oldest first.
import { createMiddleware } from 'hono/factory';
import { ACC_TABLE_NAME } from '../state/index.ts';
import { jsonError } from './errors.ts';

/** Records listed per page at most. */
export const MAX_ACC_LIST = 1000;
export const DEFAULT_ACC_TABLE = 'acc';

export interface AccQuery {
  table: string;
  limit: number;
  offset: number;
  since: number | undefined;
}

/** `?table=&limit=&offset=&since=`, bounded; 400 for a bad table name or time. */
export const accQuery = createMiddleware<
  { Variables: Record<string, unknown> },
  string,
  {
    in: { query: { table?: string; limit?: string; offset?: string; since?: string } };
    out: { query: AccQuery };
  }
>(async (c, next) => {
  const table = c.req.query('table') ?? DEFAULT_ACC_TABLE;
  if (!ACC_TABLE_NAME.test(table))
    return jsonError(c, 400, 'bad-request', 'table: 1-64 letters, digits or "_"');
  const limit = Number(c.req.query('limit') ?? MAX_ACC_LIST);
  const offset = Number(c.req.query('offset') ?? 0);
  const sinceText = c.req.query('since');
  let since: number | undefined;
  if (sinceText !== undefined) {
    since = /^\d+$/.test(sinceText) ? Number(sinceText) : Date.parse(sinceText);
    if (!Number.isFinite(since))
      return jsonError(c, 400, 'bad-request', 'since: an ISO 8601 time or epoch ms');
  }
  c.req.addValidatedData('query', {
    table,
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_ACC_LIST) : MAX_ACC_LIST,
    offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
    since,
  });
  await next();
});
