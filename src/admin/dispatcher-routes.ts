// The dispatcher's destination sets of one tenant, mounted under /v1/tenants/:tenant/dispatcher (app.ts
// guards the tenant: a tenant token reaches only its own sets):
//   GET    /          the running destinations by set, with state, load and (admin-API rows) their id
//   POST   /          one row: {"set", "uri", "flags"?, "priority"?, "attrs"?}; the sets are reloaded
//   DELETE /:id       one admin-API row by its id; the sets are reloaded
//   POST   /reload    rebuild the sets from config and rows (Kamailio's dispatcher.reload)
// Destinations of the config are listed without id and change only with the config.
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Dispatcher, DispatcherRefusal } from '../dispatcher/dispatcher.ts';
import { jsonError } from './errors.ts';
import { jsonBody } from './json-body.ts';

const ROW = z
  .object({
    set: z.number().int().min(0).max(0x7fffffff),
    uri: z.string().min(1).max(512),
    flags: z.number().int().min(0).max(31).optional(),
    priority: z.number().int().min(-0x80000000).max(0x7fffffff).optional(),
    attrs: z.string().max(1024).optional(),
  })
  .strict();

const STATUS: Record<DispatcherRefusal, ContentfulStatusCode> = { invalid: 400, duplicate: 409, full: 409 };

export function dispatcherRoutes(dispatcher: Dispatcher | undefined, log: Logger) {
  const tenantOf = (c: Context) => c.req.param('tenant') ?? '';
  const none = (c: Context) => jsonError(c, 503, 'no-dispatcher', 'this server has no dispatcher');

  return new Hono()
    .get('/', (c) => {
      const tenant = tenantOf(c);
      if (dispatcher === undefined) return none(c);
      return c.json({ tenant, destinations: dispatcher.list(tenant) });
    })
    .post(
      '/',
      jsonBody(ROW, '{"set": 1, "uri": "sip:10.0.0.1:5060", "priority": 0, "attrs": "duid=gw1"}'),
      (c) => {
        const tenant = tenantOf(c);
        if (dispatcher === undefined) return none(c);
        const body = c.req.valid('json');
        const added = dispatcher.add(tenant, {
          set: body.set,
          uri: body.uri,
          flags: body.flags ?? 0,
          priority: body.priority ?? 0,
          attrs: body.attrs ?? '',
        });
        if (!added.ok) {
          log.info(
            { tenant, code: added.error.code },
            `dispatcher destination refused: ${added.error.message}`,
          );
          return jsonError(c, STATUS[added.error.code], added.error.code, added.error.message);
        }
        log.info(
          { tenant, id: added.value.id, set: added.value.set, uri: added.value.uri },
          'dispatcher destination added',
        );
        return c.json({ tenant, destination: added.value }, 201);
      },
    )
    .post('/reload', (c) => {
      const tenant = tenantOf(c);
      if (dispatcher === undefined) return none(c);
      const loaded = dispatcher.reload(tenant);
      log.info({ tenant, ...loaded }, 'dispatcher reloaded');
      return c.json({ tenant, ...loaded });
    })
    .delete('/:id', (c) => {
      const tenant = tenantOf(c);
      if (dispatcher === undefined) return none(c);
      const id = c.req.param('id');
      if (!/^\d{1,15}$/.test(id)) return jsonError(c, 400, 'bad-request', `'${id}' is not a row id`);
      if (!dispatcher.remove(tenant, Number(id)))
        return jsonError(c, 404, 'unknown-destination', `tenant ${tenant} has no dispatcher row ${id}`);
      log.info({ tenant, id: Number(id) }, 'dispatcher destination removed');
      return c.json({ tenant, removed: Number(id) });
    });
}
