// The admin page under /ui: server-rendered HTML over the same registry, tokens and metrics as the JSON API.
//   GET  /ui/login, POST /ui/login (token), POST /ui/logout
//   GET  /ui                                      the tenants the token sees
//   GET  /ui/tenants/:tenant                      versions, activations, counters, failures, trace form
//   GET  /ui/tenants/:tenant/counters             the live counters (a fragment the page's script refreshes)
//   POST /ui/tenants/:tenant/versions             upload (multipart: wasm, activate), shows the validation
//   POST /ui/tenants/:tenant/activate | rollback
//   GET  /ui/tenants/:tenant/trace?call_id=       the tenant page with the message trace of that call
// Every POST but the log-in needs the log-in cookie, the form's CSRF field and, from a browser, the page's
// own origin (session.ts); a tenant token sees and changes its own tenant only, as on the API.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { Deployer } from '../../cluster/index.ts';
import type { Registry, RegistryError } from '../../registry/index.ts';
import { REGISTRY_STATUS } from '../errors.ts';
import type { AdminMetrics } from '../metrics.ts';
import { canSee, recordedBy } from '../tokens.ts';
import { type TraceStore, traceOfCall } from '../trace-routes.ts';
import type { UploadSlots } from '../upload-slots.ts';
import { PAGE_HEADERS, SCRIPT, STYLE } from './assets.ts';
import { PAGE_PATH, type PageSessions, type Session, sameOrigin } from './session.ts';
import { countersFragment, tenantPage } from './tenant-view.ts';
import { type TraceOutcome, traceView } from './trace-view.ts';
import { errorPage, loginPage, type Markup, type Notice, tenantsPage } from './views.ts';

export interface AdminPageOptions {
  readonly registry: Registry;
  /** Where uploads, activations and rollbacks go (the cluster's with several nodes); default the registry. */
  readonly deploys?: Deployer;
  readonly sessions: PageSessions;
  readonly metrics: AdminMetrics;
  /** The API's upload slots: the page's uploads count against the same caps. */
  readonly slots: UploadSlots;
  readonly maxUploadBytes: number;
  /** The body limit of the page's small forms (log-in, activate, rollback). */
  readonly maxFormBytes: number;
  /** The recent-trace store the trace view reads (none: the view says the server keeps no trace). */
  readonly trace?: TraceStore;
  readonly log: Logger;
}

type PageEnv = { Variables: { session: Session } };

/** Room for the multipart framing around the .wasm bytes of an upload. */
const MULTIPART_OVERHEAD = 16 * 1024;

export function adminPage(options: AdminPageOptions) {
  const { registry, sessions, metrics, slots, log } = options;
  const deploys: Deployer = options.deploys ?? registry;
  const app = new Hono<PageEnv>();

  const page = (c: Context, markup: Markup, status: ContentfulStatusCode = 200) => c.html(markup, status);
  const refuse = (c: Context, status: ContentfulStatusCode, title: string, reason: string) => {
    const session: Session | undefined = c.get('session');
    return page(c, errorPage(title, reason, session), status);
  };
  const tooLarge = (c: Context, reason: string) => {
    metrics.refused('too-large', c.req.param('tenant') ?? '');
    log.warn({ path: c.req.path }, `admin page request refused: ${reason}`);
    c.header('Connection', 'close');
    return refuse(c, 413, 'Too large', reason);
  };
  const formLimit = bodyLimit({
    maxSize: options.maxFormBytes,
    onError: (c) =>
      tooLarge(c, `the form is larger than admin.max_json_bytes (${options.maxFormBytes} bytes)`),
  });

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.res.headers.set(name, value);
  });
  // A browser names where a form comes from: one from another site is refused before anything is read.
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !sameOrigin(c)) {
      log.warn({ path: c.req.path, origin: c.req.header('origin') }, 'admin page: cross-site form refused');
      return refuse(c, 403, 'Forbidden', 'this form was sent from another site');
    }
    await next();
  });

  app.get('/app.css', (c) => c.body(STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/app.js', (c) => c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/login', (c) => page(c, loginPage()));
  app.post('/login', formLimit, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!sessions.logIn(c, token)) return page(c, loginPage('This token is not valid for this server.'), 401);
    return c.redirect(PAGE_PATH, 303);
  });

  // Everything below needs the log-in cookie; a POST also the form's CSRF field (checked once read).
  app.use('*', async (c, next) => {
    const session = sessions.read(c);
    if (!session) {
      if (c.req.method === 'GET') return c.redirect(`${PAGE_PATH}/login`, 303);
      return refuse(c, 401, 'Not logged in', 'log in with a token first');
    }
    c.set('session', session);
    await next();
  });
  const checkedForm = async (c: Context<PageEnv>) => {
    const form = await c.req.parseBody();
    return sessions.csrfMatches(c.get('session'), form.csrf) ? form : undefined;
  };
  const csrfRefused = (c: Context<PageEnv>) =>
    refuse(c, 403, 'Forbidden', 'the form has no valid CSRF field: reload the page and try again');

  app.post('/logout', formLimit, async (c) => {
    if (!(await checkedForm(c))) return csrfRefused(c);
    sessions.logOut(c);
    return c.redirect(`${PAGE_PATH}/login`, 303);
  });
  app.get('/', (c) => {
    const { principal } = c.get('session');
    const tenants = registry.tenantNames
      .filter((t) => canSee(principal, t))
      .flatMap((t) => registry.status(t) ?? []);
    return page(c, tenantsPage(c.get('session'), tenants));
  });

  const tenantGuard = createMiddleware<PageEnv>(async (c, next) => {
    const tenant = c.req.param('tenant') ?? '';
    const { principal } = c.get('session');
    if (!canSee(principal, tenant))
      return refuse(
        c,
        403,
        'Forbidden',
        `this token is for tenant '${principal.kind === 'tenant' ? principal.tenant : ''}' only`,
      );
    if (!registry.hasTenant(tenant))
      return refuse(c, 404, 'Unknown tenant', `no tenant is named '${tenant}'`);
    await next();
  });
  app.use('/tenants/:tenant', tenantGuard);
  app.use('/tenants/:tenant/*', tenantGuard);

  /** The tenant's page, with what an action did (its status: the action's). */
  const showTenant = async (
    c: Context<PageEnv>,
    notice?: Notice,
    status: ContentfulStatusCode = 200,
    trace?: Markup,
  ) => {
    const tenant = c.req.param('tenant') ?? '';
    const markup = tenantPage(c.get('session'), {
      status: registry.status(tenant)!,
      versions: registry.versions(tenant) ?? [],
      activations: registry.activations(tenant, 20) ?? [],
      counters: await metrics.tenantRows(tenant),
      notice,
      trace,
    });
    return page(c, markup, status);
  };
  const refusedNotice = (c: Context<PageEnv>, what: string, error: RegistryError) =>
    showTenant(
      c,
      { kind: 'error', title: `${what} refused: ${error.code}`, lines: [error.message] },
      REGISTRY_STATUS[error.code],
    );

  app.get('/tenants/:tenant', (c) => showTenant(c));
  app.get('/tenants/:tenant/counters', async (c) =>
    page(c, countersFragment(await metrics.tenantRows(c.req.param('tenant')))),
  );
  app.get('/tenants/:tenant/trace', (c) => {
    const callId = c.req.query('call_id') ?? '';
    const messages = options.trace && traceOfCall(options.trace, c.req.param('tenant'), callId);
    const outcome: TraceOutcome = !options.trace
      ? { kind: 'refused', reason: 'this server keeps no message trace' }
      : messages
        ? { kind: 'messages', callId, messages }
        : { kind: 'refused', reason: 'a Call-ID is 1-256 printable characters' };
    const status = outcome.kind === 'messages' ? 200 : options.trace ? 400 : 404;
    return showTenant(c, undefined, status, traceView(outcome));
  });
  app.post('/tenants/:tenant/activate', formLimit, async (c) => {
    const form = await checkedForm(c);
    if (!form) return csrfRefused(c);
    const version = Number(form.version);
    if (!Number.isInteger(version) || version <= 0)
      return showTenant(
        c,
        { kind: 'error', title: 'Activate refused: the version must be a positive integer' },
        400,
      );
    const by = recordedBy(c.get('session').principal, undefined);
    const result = await deploys.activate(c.req.param('tenant'), version, by);
    if (!result.ok) return refusedNotice(c, 'Activate', result.error);
    const { from, to } = result.value;
    return showTenant(c, {
      kind: 'ok',
      title: `Activated v${to}${from === undefined ? '' : ` (was v${from})`}`,
    });
  });
  app.post('/tenants/:tenant/rollback', formLimit, async (c) => {
    if (!(await checkedForm(c))) return csrfRefused(c);
    const result = await deploys.rollback(
      c.req.param('tenant'),
      recordedBy(c.get('session').principal, undefined),
    );
    if (!result.ok) return refusedNotice(c, 'Rollback', result.error);
    const { from, to } = result.value;
    return showTenant(c, {
      kind: 'ok',
      title: `Rolled back to v${to}${from === undefined ? '' : ` (was v${from})`}`,
    });
  });

  // An upload holds one of the API's upload slots from before its body is read to its answer.
  const uploadSlot = createMiddleware<PageEnv>(async (c, next) => {
    const tenant = c.req.param('tenant') ?? '';
    const slot = slots.acquire(tenant);
    if (!slot.ok) {
      metrics.refused(`uploads-busy-${slot.cap}`, tenant);
      c.header('Connection', 'close');
      return refuse(
        c,
        429,
        'Too many uploads',
        `${slot.limit} uploads are in flight already: retry when one is answered`,
      );
    }
    try {
      await next();
    } finally {
      slot.release();
    }
  });
  app.post(
    '/tenants/:tenant/versions',
    uploadSlot,
    bodyLimit({
      maxSize: options.maxUploadBytes + MULTIPART_OVERHEAD,
      onError: (c) =>
        tooLarge(c, `the upload is larger than admin.max_upload_bytes (${options.maxUploadBytes} bytes)`),
    }),
    async (c) => {
      const form = await checkedForm(c);
      if (!form) return csrfRefused(c);
      const file = form.wasm;
      if (!(file instanceof File) || file.size === 0)
        return showTenant(c, { kind: 'error', title: 'Upload refused: choose a .wasm file' }, 400);
      if (file.size > options.maxUploadBytes)
        return tooLarge(
          c,
          `the upload is larger than admin.max_upload_bytes (${options.maxUploadBytes} bytes)`,
        );
      const result = await deploys.upload(c.req.param('tenant'), new Uint8Array(await file.arrayBuffer()), {
        by: recordedBy(c.get('session').principal, undefined),
        activate: form.activate === '1',
      });
      if (!result.ok) return refusedNotice(c, 'Upload', result.error);
      const { version: v, activated, path, timings } = result.value;
      return showTenant(
        c,
        {
          kind: 'ok',
          title: `Stored v${v.version}${activated ? ', active' : ''}: valid component (world ${v.world})`,
          lines: [
            `${v.size} bytes, sha256 ${v.sha256}, compiled on the ${path} path`,
            `validate ${timings.validateMs} ms, rewrite ${timings.rewriteMs} ms, compile ${timings.compileMs} ms, total ${timings.totalMs} ms`,
          ],
        },
        201,
      );
    },
  );

  app.all('*', (c) => refuse(c, 404, 'Not found', `no page ${c.req.path}`));
  return app;
}
