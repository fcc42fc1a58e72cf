// The permissions address table of one tenant, mounted under /v1/tenants/:tenant/addresses (app.ts guards
// the tenant: a tenant token reaches only its own table):
//   GET    /?group=N        the rows, oldest first (one group's when given)
//   POST   /                one row: {"group", "address", "port"?, "tag"?}
//   POST   /import          rows {"addresses": [...]}: all added or none (the refused row's index is said)
//   DELETE /:id             one row by its id
// Bodies are JSON within admin.max_json_bytes: `kemi-wasm address import` sends a CSV file in batches.
import { type Context, Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AddressProblem, AddressRefusal, AddressStore } from '../state/index.ts';
import { jsonError } from './errors.ts';
import { jsonBody } from './json-body.ts';

const ROW = z
  .object({
    group: z.number().int(),
    address: z.string().min(1).max(300),
    port: z.number().int().optional(),
    tag: z.string().max(300).optional(),
  })
  .strict();
const IMPORT = z.object({ addresses: z.array(ROW).min(1).max(10_000) }).strict();

const STATUS: Record<AddressRefusal, ContentfulStatusCode> = { invalid: 400, duplicate: 409, full: 409 };

/** `?group=N`: one group's rows; absent, every row. */
const groupQuery = createMiddleware<
  { Variables: Record<string, never> },
  string,
  { in: { query: { group?: string } }; out: { query: { group: number | undefined } } }
>(async (c, next) => {
  const group = c.req.query('group');
  if (group !== undefined && !/^\d{1,10}$/.test(group))
    return jsonError(c, 400, 'bad-request', 'query parameter group: expected a number');
  c.req.addValidatedData('query', { group: group === undefined ? undefined : Number(group) });
  await next();
});

export function addressRoutes(store: AddressStore | undefined, log: Logger) {
  const refused = (c: Context, tenant: string, problem: AddressProblem) => {
    log.info({ tenant, code: problem.code, index: problem.index }, `address refused: ${problem.message}`);
    const at = problem.index === undefined ? '' : `row ${problem.index + 1}: `;
    return jsonError(c, STATUS[problem.code], problem.code, `${at}${problem.message}`);
  };
  const tenantOf = (c: Context) => c.req.param('tenant') ?? '';
  const noStore = (c: Context) =>
    jsonError(c, 503, 'no-address-table', 'this server has no permissions address table');

  return new Hono()
    .get('/', groupQuery, (c) => {
      const tenant = tenantOf(c);
      if (store === undefined) return noStore(c);
      return c.json({ tenant, addresses: store.list(tenant, c.req.valid('query').group) });
    })
    .post('/', jsonBody(ROW, '{"group": 1, "address": "192.0.2.0/24", "port": 0, "tag": "..."}'), (c) => {
      const tenant = tenantOf(c);
      if (store === undefined) return noStore(c);
      const added = store.add(tenant, c.req.valid('json'));
      if (!added.ok) return refused(c, tenant, added.error);
      log.info({ tenant, id: added.value.id, address: added.value.address }, 'address added');
      return c.json({ tenant, address: added.value }, 201);
    })
    .post('/import', jsonBody(IMPORT, '{"addresses": [{"group": 1, "address": "..."}, ...]}'), (c) => {
      const tenant = tenantOf(c);
      if (store === undefined) return noStore(c);
      const added = store.addMany(tenant, c.req.valid('json').addresses);
      if (!added.ok) return refused(c, tenant, added.error);
      log.info({ tenant, added: added.value.length }, 'addresses imported');
      return c.json({ tenant, added: added.value.length, addresses: added.value }, 201);
    })
    .delete('/:id', (c) => {
      const tenant = tenantOf(c);
      if (store === undefined) return noStore(c);
      const id = c.req.param('id');
      if (!/^\d{1,15}$/.test(id)) return jsonError(c, 400, 'bad-request', `'${id}' is not a row id`);
      if (!store.remove(tenant, Number(id)))
        return jsonError(c, 404, 'unknown-address', `tenant ${tenant} has no address row ${id}`);
      log.info({ tenant, id: Number(id) }, 'address removed');
      return c.json({ tenant, removed: Number(id) });
    });
}
