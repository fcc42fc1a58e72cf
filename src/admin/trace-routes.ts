// The admin API's recent-trace store (src/trace/trace-ring.ts): the messages of one call, in the order
// they were received and sent. app.ts chains the routes under the tenant guard, so a tenant token reads
// only its own tenant's ring. The text of each message has its credentials (Authorization,
// Proxy-Authorization) redacted, and its body too when trace.redact_bodies is on.
import { Hono } from 'hono';
import { endpointText, redactedText, type TraceRing } from '../trace/index.ts';
import { jsonError } from './errors.ts';

export interface TraceStore {
  readonly ring: TraceRing;
  readonly redactBodies: boolean;
}

/** A Call-ID the query may name: the bytes a Call-ID has, bounded. */
const CALL_ID = /^[\x21-\x7e]{1,256}$/;

/** One traced message as the API and the admin page show it. */
export interface TracedMessage {
  readonly time: string;
  readonly direction: string;
  readonly proto: string;
  readonly local: string;
  readonly remote: string;
  readonly firstLine: string;
  readonly version: number | undefined;
  readonly text: string;
}

/** The messages of a call in the tenant's ring, oldest first; undefined when the Call-ID is not one. */
export function traceOfCall(store: TraceStore, tenant: string, callId: string): TracedMessage[] | undefined {
  if (!CALL_ID.test(callId)) return undefined;
  return store.ring.call(tenant, callId).map((record) => ({
    time: new Date(record.time).toISOString(),
    direction: record.direction,
    proto: record.proto,
    local: endpointText(record.proto, record.local),
    remote: endpointText(record.proto, record.remote),
    firstLine: record.firstLine,
    version: record.version,
    text: redactedText(record.bytes, store.redactBodies),
  }));
}

export function traceRoutes(store: TraceStore | undefined) {
  return new Hono().get('/', (c) => {
    if (!store) return jsonError(c, 404, 'no-trace-store', 'this server keeps no message trace');
    const tenant = c.req.param('tenant') ?? '';
    const callId = c.req.query('call_id') ?? '';
    const messages = traceOfCall(store, tenant, callId);
    if (!messages)
      return jsonError(c, 400, 'bad-request', 'query parameter call_id: 1-256 printable characters');
    return c.json({ tenant, callId, messages });
  });
}
