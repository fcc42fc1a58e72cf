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
import type { AddressWriteError, AddressWriter } from '../cluster/shared-addresses.ts';
import { ok } from '../result.ts';
import type { AddressRefusal, AddressStore } from '../state/index.ts';
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

const STATUS: Record<AddressRefusal | 'unavailable', ContentfulStatusCode> = {
  invalid: 400,
  duplicate: 409,
  full: 409,
  unavailable: 503,
};

/** This node's table as a writer: the routes' one path, whether the table is shared or not. */
function localWriter(store: AddressStore): AddressWriter {
  return {
    addMany: (tenant, inputs) => Promise.resolve(store.addMany(tenant, inputs)),
    remove: (tenant, id) => Promise.resolve(ok(store.remove(tenant, id))),
    refresh: () => Promise.resolve(true),
  };
}

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

export function addressRoutes(store: AddressStore | undefined, log: Logger, shared?: AddressWriter) {
  const writer = shared ?? (store && localWriter(store));
  const refused = (c: Context, tenant: string, problem: AddressWriteError) => {
    const index = 'index' in problem ? problem.index : undefined;
    log.info({ tenant, code: problem.code, index }, `address refused: ${problem.message}`);
    const at = index === undefined ? '' : `row ${index + 1}: `;
    const code = problem.code === 'unavailable' ? 'cluster-unavailable' : problem.code;
    return jsonError(c, STATUS[problem.code], code, `${at}${problem.message}`);
  };
  const tenantOf = (c: Context) => c.req.param('tenant') ?? '';
  const noStore = (c: Context) =>
    jsonError(c, 503, 'no-address-table', 'this server has no permissions address table');

  return new Hono()
    .get('/', groupQuery, async (c) => {
      const tenant = tenantOf(c);
      if (store === undefined || writer === undefined) return noStore(c);
      // Shared: read from the cluster's Redis first; when it does not answer, this node's copy says so.
      const fresh = await writer.refresh(tenant);
      return c.json({
        tenant,
        ...(shared && { source: fresh ? 'redis' : 'copy' }),
        addresses: store.list(tenant, c.req.valid('query').group),
      });
    })
    .post(
      '/',
      jsonBody(ROW, '{"group": 1, "address": "192.0.2.0/24", "port": 0, "tag": "..."}'),
      async (c) => {
        const tenant = tenantOf(c);
        if (writer === undefined) return noStore(c);
        const added = await writer.addMany(tenant, [c.req.valid('json')]);
        if (!added.ok) {
          const { index: _one, ...problem } = added.error as AddressWriteError & { index?: number };
          return refused(c, tenant, problem);
        }
        const row = added.value[0]!;
        log.info({ tenant, id: row.id, address: row.address }, 'address added');
        return c.json({ tenant, address: row }, 201);
      },
    )
    .post('/import', jsonBody(IMPORT, '{"addresses": [{"group": 1, "address": "..."}, ...]}'), async (c) => {
      const tenant = tenantOf(c);
      if (writer === undefined) return noStore(c);
      const added = await writer.addMany(tenant, c.req.valid('json').addresses);
      if (!added.ok) return refused(c, tenant, added.error);
      log.info({ tenant, added: added.value.length }, 'addresses imported');
      return c.json({ tenant, added: added.value.length, addresses: added.value }, 201);
    })
    .delete('/:id', async (c) => {
      const tenant = tenantOf(c);
      if (writer === undefined) return noStore(c);
      const id = c.req.param('id');
      if (!/^\d{1,15}$/.test(id)) return jsonError(c, 400, 'bad-request', `'${id}' is not a row id`);
      const removed = await writer.remove(tenant, Number(id));
      if (!removed.ok) return refused(c, tenant, removed.error);
      if (!removed.value)
        return jsonError(c, 404, 'unknown-address', `tenant ${tenant} has no address row ${id}`);
      log.info({ tenant, id: Number(id) }, 'address removed');
      return c.json({ tenant, removed: Number(id) });
    });
}
