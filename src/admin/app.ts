// The admin HTTP API as a Hono app (served by listener.ts on its own socket). Routes:
//   GET  /health                                   no token: liveness and whether every tenant has a version
//   /ui/...                                        the admin page (page/page-routes.ts): log-in cookie, not bearer
//   GET  /metrics                                  operator: Prometheus text
//   GET  /v1/status                                every visible tenant's status
//   GET  /v1/tenants/:tenant                       one tenant's status (active version, loaded versions, pins)
//   GET  /v1/tenants/:tenant/versions              retained versions, newest first
//   GET  /v1/tenants/:tenant/activations           activation history, newest first (kind: breaker ...)
//   POST /v1/tenants/:tenant/versions[?activate=1] upload a component (body: the .wasm bytes)
//   POST /v1/tenants/:tenant/activate              body {"version": N}
//   POST /v1/tenants/:tenant/rollback              back to the version active before the current one
//   GET  /v1/cluster                               several nodes: every node's active versions and in-flight
//                                                  transactions, the cluster's active versions (docs/cluster.md)
//   GET|POST|DELETE /v1/tenants/:tenant/addresses  the permissions address table (address-routes.ts)
//   GET|POST|DELETE /v1/tenants/:tenant/dispatcher the dispatcher's destinations, POST .../reload (dispatcher-routes.ts)
//   GET  /v1/tenants/:tenant/subscribers           subscribers (no digests, no passwords), ?limit=&offset=
//   POST /v1/tenants/:tenant/subscribers           add one: {"username", "domain", "password", "table"?}
//   POST /v1/tenants/:tenant/subscribers/import    add many: {"subscribers": [...], "replace"?, "table"?}
//   PUT  /v1/tenants/:tenant/subscribers/:domain/:username   new password: {"password", "table"?}
//   DELETE /v1/tenants/:tenant/subscribers/:domain/:username[?table=]
//   GET  /v1/tenants/:tenant/acc                   accounting records, ?table=acc|missed_calls&limit=&offset=&since=
//   GET  /v1/tenants/:tenant/trace?call_id=        the recent messages of a call, in order (trace-routes.ts)
// Every error is `{ error, reason }` with a 4xx/5xx status (errors.ts). The routes are chained so that Hono
// infers their inputs and responses: AdminApp is the type the CLI's client (hono/client) is checked against.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ClusterStatus, Deployer } from '../cluster/index.ts';
import type { AddressWriter } from '../cluster/shared-addresses.ts';
import type { SubscriberWriter } from '../cluster/shared-subscribers.ts';
import type { Dispatcher } from '../dispatcher/dispatcher.ts';
import type { Registry, RegistryError } from '../registry/index.ts';
import type { AccStore, AddressStore, SubscriberStore } from '../state/index.ts';
import { accQuery } from './acc-routes.ts';
import { addressRoutes } from './address-routes.ts';
import { dispatcherRoutes } from './dispatcher-routes.ts';
import { jsonError, REGISTRY_STATUS } from './errors.ts';
import type { AdminMetrics } from './metrics.ts';
import { adminPage } from './page/page-routes.ts';
import { PAGE_PATH, PageSessions } from './page/session.ts';
import { subscriberRoutes } from './subscriber-routes.ts';
import { canSee, type Principal, recordedBy, type TokenTable } from './tokens.ts';
import { type TraceStore, traceRoutes } from './trace-routes.ts';
import { type UploadSlotLimits, UploadSlots } from './upload-slots.ts';

/** Several nodes: deploys through the cluster (src/cluster/), and its status. */
export interface ClusterAdmin extends Deployer {
  status(): Promise<ClusterStatus | undefined>;
}

export interface AdminAppOptions {
  readonly registry: Registry;
  /** Several nodes: uploads, activations and rollbacks go through the cluster; absent: the registry's. */
  readonly cluster?: ClusterAdmin;
  readonly tokens: TokenTable;
  readonly metrics: AdminMetrics;
  readonly maxUploadBytes: number;
  /** The body limit of every route but the upload (activate's `{"version": N}` and the rest). */
  readonly maxJsonBytes: number;
  /** Uploads in flight per tenant and in all; beyond them 429 before the body is read. */
  readonly maxUploads: UploadSlotLimits;
  /** Every tenant's subscribers (auth_db); the subscriber routes answer 404 without it. */
  readonly subscribers?: SubscriberStore;
  /** Several nodes: subscriber writes go to the cluster's Redis (`subscribers` stays this node's copy). */
  readonly sharedSubscribers?: SubscriberWriter;
  /** Several nodes: address writes go to the cluster's Redis (`addresses` stays this node's copy). */
  readonly sharedAddresses?: AddressWriter;
  readonly log: Logger;
  /** The permissions address tables; the address routes answer 503 without them. */
  readonly addresses?: AddressStore;
  /** Every tenant's accounting records; the acc route answers 404 without them. */
  readonly acc?: AccStore;
  /** The recent-trace store; the trace route answers 404 without it. */
  readonly trace?: TraceStore;
  /** Every tenant's destination sets; the dispatcher routes answer 503 without them. */
  readonly dispatcher?: Dispatcher;
}

type Env = { Variables: { principal: Principal } };

const ACTIVATE_BODY = z.object({ version: z.number().int().positive() }).strict();
/** Seconds a client refused for uploads in flight is asked to wait: about one compile of a large upload. */
const UPLOAD_RETRY_AFTER_S = 2;

export type AdminApp = ReturnType<typeof createAdminApp>;

export function createAdminApp(options: AdminAppOptions) {
  const { registry, tokens, metrics, log, subscribers } = options;
  const deploys: Deployer = options.cluster ?? registry;
  const app = new Hono<Env>();
  const started = Date.now();

  /**
   * 413, counted and logged; the connection closes after it, so that the rest of the body is not read
   * (keep-alive would have the server read it to the end to find the next request).
   */
  const tooLarge = (c: Context, reason: string) => {
    metrics.refused('too-large');
    log.warn(
      { path: c.req.path, length: c.req.header('content-length') },
      `admin request refused: ${reason}`,
    );
    c.header('Connection', 'close');
    return jsonError(c, 413, 'too-large', reason);
  };
  // An upload holds a slot from before its body is read to its answer (upload-slots.ts).
  const slots = new UploadSlots(options.maxUploads);
  const uploadSlot = createMiddleware<Env>(async (c, next) => {
    const tenant = c.req.param('tenant') ?? '';
    const slot = slots.acquire(tenant);
    if (!slot.ok) {
      const reason =
        slot.cap === 'tenant'
          ? `tenant '${tenant}' already has ${slot.limit} uploads in flight (admin.max_uploads_in_flight_per_tenant): retry when one is answered`
          : `the server already has ${slot.limit} uploads in flight (admin.max_uploads_in_flight): retry later`;
      metrics.refused(`uploads-busy-${slot.cap}`, tenant);
      log.warn({ tenant, cap: slot.cap, limit: slot.limit }, `upload refused: ${reason}`);
      c.header('Retry-After', String(UPLOAD_RETRY_AFTER_S));
      // The body is not read: closing is cheaper than draining it.
      c.header('Connection', 'close');
      return jsonError(c, 429, 'too-many-uploads', reason);
    }
    try {
      await next();
    } finally {
      slot.release();
    }
  });
  const jsonLimit = bodyLimit({
    maxSize: options.maxJsonBytes,
    onError: (c) =>
      tooLarge(
        c,
        `the body is larger than admin.max_json_bytes (${options.maxJsonBytes} bytes): this route takes a small JSON body`,
      ),
  });

  app.onError((err, c) => {
    log.error({ err: err.message, path: c.req.path }, 'admin request failed');
    return jsonError(c, 500, 'internal', `internal error while handling ${c.req.method} ${c.req.path}`);
  });
  app.notFound((c) => jsonError(c, 404, 'not-found', `no route ${c.req.method} ${c.req.path}`));

  // Tenant scope: the tenant must exist and be visible to the token.
  const tenantGuard = createMiddleware<Env>(async (c, next) => {
    const tenant = c.req.param('tenant') ?? '';
    const principal = c.get('principal');
    if (principal.kind === 'tenant' && principal.tenant !== tenant) {
      return jsonError(c, 403, 'forbidden', `this token is for tenant '${principal.tenant}' only`);
    }
    if (!registry.hasTenant(tenant))
      return jsonError(c, 404, 'unknown-tenant', `no tenant is named '${tenant}'`);
    await next();
  });

  return (
    app
      .get('/health', (c) => {
        const missing = registry.tenantNames.filter((t) => registry.active(t) === undefined).length;
        const failClosed = registry.tenantNames.filter((t) => registry.active(t)?.blocked).length;
        const healthy = missing + failClosed === 0;
        const body = {
          status: healthy ? 'ok' : 'degraded',
          tenantsWithoutVersion: missing,
          tenantsFailClosed: failClosed,
          uptimeS: Math.round((Date.now() - started) / 1000),
        };
        return c.json(body, healthy ? 200 : 503);
      })
      // The page reads its log-in cookie and nothing else; the API below reads the bearer token and never
      // a cookie, so a browser's cookie cannot act on the API.
      .route(
        PAGE_PATH,
        adminPage({
          registry,
          deploys,
          sessions: new PageSessions(tokens),
          metrics,
          slots,
          maxUploadBytes: options.maxUploadBytes,
          maxFormBytes: options.maxJsonBytes,
          trace: options.trace,
          log,
        }),
      )
      // Everything below needs a bearer token.
      .use('*', async (c, next) => {
        const header = c.req.header('authorization');
        const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
        if (!match) {
          c.header('WWW-Authenticate', 'Bearer');
          return jsonError(
            c,
            401,
            'unauthorized',
            'missing bearer token: send "Authorization: Bearer <token>"',
          );
        }
        const principal = tokens.lookup(match[1]);
        if (!principal) {
          c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
          return jsonError(c, 401, 'unauthorized', 'the bearer token is not valid for this server');
        }
        c.set('principal', principal);
        await next();
      })
      // Every route but the upload reads at most a few bytes of JSON: a larger body is refused before
      // it is read (Content-Length), or as soon as a chunked one grows past the limit.
      .use('*', (c, next) => (isUpload(c) ? next() : jsonLimit(c, next)))
      .get('/metrics', async (c) => {
        if (c.get('principal').kind !== 'operator') {
          return jsonError(c, 403, 'forbidden', 'metrics need the operator token');
        }
        return c.body(await metrics.text(), 200, { 'Content-Type': metrics.contentType });
      })
      .get('/v1/status', (c) => {
        const principal = c.get('principal');
        const tenants = registry.tenantNames
          .filter((t) => canSee(principal, t))
          .flatMap((t) => registry.status(t) ?? []);
        return c.json({ uptimeS: Math.round((Date.now() - started) / 1000), tenants });
      })
      .get('/v1/cluster', async (c) => {
        const cluster = options.cluster;
        if (!cluster) {
          const single: ClusterStatus = { enabled: false, nodes: [] };
          return c.json(single);
        }
        const status = await cluster.status();
        if (!status)
          return jsonError(
            c,
            503,
            'cluster-unavailable',
            "the cluster's Redis cannot be reached: node reports are unavailable; this node's own status is GET /v1/status",
          );
        return c.json(visibleCluster(status, c.get('principal')));
      })
      .use('/v1/tenants/:tenant/*', tenantGuard)
      .use('/v1/tenants/:tenant', tenantGuard)
      .get('/v1/tenants/:tenant', (c) => c.json(registry.status(c.req.param('tenant'))))
      .get('/v1/tenants/:tenant/versions', (c) => {
        const tenant = c.req.param('tenant');
        return c.json({ tenant, versions: registry.versions(tenant) });
      })
      .get('/v1/tenants/:tenant/activations', (c) => {
        const tenant = c.req.param('tenant');
        return c.json({ tenant, activations: registry.activations(tenant) });
      })
      .post(
        '/v1/tenants/:tenant/versions',
        uploadSlot,
        bodyLimit({
          maxSize: options.maxUploadBytes,
          onError: (c) =>
            tooLarge(c, `the upload is larger than admin.max_upload_bytes (${options.maxUploadBytes} bytes)`),
        }),
        wasmBody,
        activateFlag,
        async (c) => {
          const tenant = c.req.param('tenant');
          const bytes = new Uint8Array(await c.req.arrayBuffer());
          if (bytes.length === 0)
            return jsonError(c, 400, 'bad-request', 'the request body is empty: send the .wasm bytes');
          const result = await deploys.upload(tenant, bytes, {
            by: recordedBy(c.get('principal'), c.req.header('x-kemi-user')),
            activate: c.req.valid('query').activate,
          });
          if (!result.ok) return registryError(c, result.error);
          const { version: v, ...up } = result.value;
          return c.json(
            {
              tenant,
              version: v.version,
              sha256: v.sha256,
              size: v.size,
              world: v.world,
              createdAt: v.createdAt,
              createdBy: v.createdBy,
              activated: up.activated,
              path: up.path,
              fallbackReason: up.fallbackReason,
              timings: up.timings,
              pruned: up.pruned,
            },
            201,
          );
        },
      )
      .post('/v1/tenants/:tenant/activate', activateBody, async (c) => {
        const result = await deploys.activate(
          c.req.param('tenant'),
          c.req.valid('json').version,
          recordedBy(c.get('principal'), c.req.header('x-kemi-user')),
        );
        if (!result.ok) return registryError(c, result.error);
        return c.json(result.value);
      })
      .post('/v1/tenants/:tenant/rollback', async (c) => {
        const result = await deploys.rollback(
          c.req.param('tenant'),
          recordedBy(c.get('principal'), c.req.header('x-kemi-user')),
        );
        if (!result.ok) return registryError(c, result.error);
        return c.json(result.value);
      })
      .route('/v1/tenants/:tenant/addresses', addressRoutes(options.addresses, log, options.sharedAddresses))
      .route('/v1/tenants/:tenant/dispatcher', dispatcherRoutes(options.dispatcher, log))
      .route('/v1/tenants/:tenant/subscribers', subscriberRoutes(subscribers, log, options.sharedSubscribers))
      .route('/v1/tenants/:tenant/trace', traceRoutes(options.trace))
      .get('/v1/tenants/:tenant/acc', accQuery, (c) => {
        const acc = options.acc;
        if (!acc) return jsonError(c, 404, 'no-acc-store', 'this server has no accounting store');
        const tenant = c.req.param('tenant');
        const query = c.req.valid('query');
        return c.json({ tenant, table: query.table, records: acc.list(tenant, query) });
      })
  );
}

const UPLOAD_PATH = /^\/v1\/tenants\/[^/]+\/versions\/?$/;

/** The upload route, the one route with its own (larger) body limit. */
function isUpload(c: Context): boolean {
  return c.req.method === 'POST' && UPLOAD_PATH.test(c.req.path);
}

/** An upload must say it is a component (application/wasm, or octet-stream): 415 otherwise. */
const wasmBody = createMiddleware<Env>(async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/wasm' && type !== 'application/octet-stream') {
    return jsonError(
      c,
      415,
      'unsupported-media-type',
      `send the component as application/wasm, not '${type || 'no content type'}'`,
    );
  }
  await next();
});

/** `?activate`, `?activate=1` and `?activate=true` ask for it; absent, 0 and false do not. */
const activateFlag = createMiddleware<
  Env,
  string,
  { in: { query: { activate?: string } }; out: { query: { activate: boolean } } }
>(async (c, next) => {
  const activate = parseFlag(c.req.query('activate'));
  if (activate === undefined)
    return jsonError(c, 400, 'bad-request', 'query parameter activate: expected 1/0/true/false');
  c.req.addValidatedData('query', { activate });
  await next();
});

/**
 * `{"version": N}`, read whatever the content type (hono's json validator would skip a body not sent as
 * JSON, and answer malformed JSON with its own error).
 */
const activateBody = createMiddleware<
  Env,
  string,
  { in: { json: { version: number } }; out: { json: { version: number } } }
>(async (c, next) => {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return jsonError(c, 400, 'bad-request', 'the body must be JSON: {"version": N}');
  }
  const parsed = ACTIVATE_BODY.safeParse(raw);
  if (!parsed.success)
    return jsonError(c, 400, 'bad-request', 'the body must be {"version": N} with N a positive integer');
  c.req.addValidatedData('json', parsed.data);
  await next();
});

function registryError(c: Context, error: RegistryError) {
  return jsonError(c, REGISTRY_STATUS[error.code], error.code, error.message);
}

function parseFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '' || value === '1' || value === 'true') return true;
  return undefined;
}

/** A tenant's token sees its own tenant only, in every node's report and in the cluster's active versions. */
function visibleCluster(status: ClusterStatus, principal: Principal): ClusterStatus {
  if (principal.kind === 'operator') return status;
  return {
    ...status,
    active: Object.fromEntries(Object.entries(status.active ?? {}).filter(([t]) => canSee(principal, t))),
    nodes: status.nodes.map((n) => ({
      ...n,
      report: n.report && {
        ...n.report,
        tenants: n.report.tenants.filter((t) => canSee(principal, t.tenant)),
      },
    })),
  };
}
