// KSR sanity: Kamailio's request sanity checks, selected by the same bits, each answering with the same
// kind of 4xx/5xx. A failed check replies (never to an ACK) and returns -1; replies pass every check.
import { parseUri } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { pushReplyHeaders } from './message-budget.ts';

interface Failure {
  status: number;
  reason: string;
  /** Header fields to add to the reply (420's Unsupported). */
  headers?: [string, string][];
}

type Check = (ctx: RouteContext) => Failure | undefined;

const UNSIGNED = /^[0-9]{1,10}$/;
const fail = (status: number, reason: string): Failure => ({ status, reason });

/** Authorization-style credentials: `scheme name=value, name="value", ...`. */
function credentialsWellFormed(value: string): boolean {
  const m = /^\s*([A-Za-z][A-Za-z0-9._-]*)\s+(.+)$/.exec(value);
  if (!m) return false;
  const param = /\s*[A-Za-z0-9._-]+\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,"]+)\s*(,|$)/y;
  let p = 0;
  const rest = m[2];
  while (p < rest.length) {
    param.lastIndex = p;
    if (!param.exec(rest)) return false;
    p = param.lastIndex;
  }
  return true;
}

function tagCount(value: string): number {
  // Parameters of a name-addr follow its '>'; of an addr-spec, the first ';'.
  const close = value.lastIndexOf('>');
  return (value.slice(close + 1).match(/;\s*tag\s*=/gi) ?? []).length;
}

/** The message checks by bit, in Kamailio's order. */
const MSG_CHECKS: [bit: number, check: Check][] = [
  [
    1,
    (ctx) =>
      ctx.msg.version.toUpperCase() === 'SIP/2.0' ? undefined : fail(505, 'Version Not Supported (R-URI)'),
  ],
  [
    2,
    (ctx) => {
      const scheme = ctx.request?.parsedUri?.scheme;
      return scheme ? undefined : fail(416, 'Unsupported URI Scheme in Request URI');
    },
  ],
  [
    4,
    (ctx) => {
      for (const name of ['To', 'From', 'CSeq', 'Call-ID', 'Via'])
        if (!ctx.msg.has(name)) return fail(400, `Missing Required Header in Request (${name})`);
      return undefined;
    },
  ],
  [8, (ctx) => (ctx.msg.via.version === '2.0' ? undefined : fail(505, 'Version Not Supported (Via)'))],
  [
    16,
    (ctx) =>
      ctx.msg.via.transport.toLowerCase() === ctx.source.proto
        ? undefined
        : fail(400, 'Via Transport Mismatch'),
  ],
  [
    32,
    (ctx) =>
      ctx.msg.cseq.method === ctx.request!.method
        ? undefined
        : fail(400, 'CSeq method does not match request method'),
  ],
  [64, (ctx) => (ctx.msg.cseq.seq < 2 ** 31 ? undefined : fail(400, 'CSeq number is illegal'))],
  [
    128,
    (ctx) => {
      const length = ctx.msg.contentLength;
      return length === undefined || length === ctx.msg.bodyLength
        ? undefined
        : fail(400, 'Content-Length mis-match');
    },
  ],
  [
    256,
    (ctx) => {
      const expires = ctx.msg.get('Expires');
      return expires === undefined || UNSIGNED.test(expires) ? undefined : fail(400, 'Expires not a number');
    },
  ],
  [
    512,
    (ctx) => {
      // No extension needs a proxy's support here: every Proxy-Require option tag is unsupported (RFC 3261 8.2.2.3).
      const required = ctx.msg.getAll('Proxy-Require');
      if (required.length === 0) return undefined;
      return { status: 420, reason: 'Bad Extension', headers: [['Unsupported', required.join(', ')]] };
    },
  ],
  [1024, () => undefined], // URI checks: run with the uri-checks bits below.
  [
    2048,
    (ctx) => {
      for (const name of ['Authorization', 'Proxy-Authorization'])
        for (const value of ctx.msg.getFieldValues(name))
          if (!credentialsWellFormed(value)) return fail(400, `Bad ${name} Credentials`);
      return undefined;
    },
  ],
  [
    4096,
    (ctx) => {
      for (const name of ['From', 'To'])
        if (tagCount(ctx.msg.getFieldValues(name)[0] ?? '') > 1) return fail(400, `Duplicate tag in ${name}`);
      return undefined;
    },
  ],
  [
    8192,
    (ctx) => {
      for (const value of ctx.msg.getFieldValues('Authorization'))
        if (!/^\s*Digest\s/i.test(value)) return fail(400, 'Authorization header is not Digest');
      return undefined;
    },
  ],
  [16384, (ctx) => (ctx.msg.via.host !== '' ? undefined : fail(400, 'Malformed Via'))],
];

/** The URI checks by bit: R-URI, From, To, Contact. */
const URI_CHECKS: [bit: number, check: Check][] = [
  [1, (ctx) => (ctx.request?.parsedUri ? undefined : fail(400, 'Bad Request URI'))],
  [2, (ctx) => (parseUri(ctx.msg.from?.uri ?? '') ? undefined : fail(400, 'Bad From URI'))],
  [4, (ctx) => (parseUri(ctx.msg.to?.uri ?? '') ? undefined : fail(400, 'Bad To URI'))],
  [
    8,
    (ctx) => {
      if (!ctx.msg.has('Contact')) return undefined;
      const contacts = ctx.msg.contacts;
      if (contacts === '*') return undefined;
      return contacts?.every((c) => parseUri(c.uri)) ? undefined : fail(400, 'Bad Contact URI');
    },
  ],
];

/** Kamailio's default checks (sanity's default_checks and uri_checks parameters). */
export const DEFAULT_MSG_CHECKS = 17895;
export const DEFAULT_URI_CHECKS = 7;

function firstFailure(ctx: RouteContext, checks: [number, Check][], bits: number): Failure | undefined {
  for (const [bit, check] of checks) {
    const failure = bits & bit ? check(ctx) : undefined;
    if (failure) return failure;
  }
  return undefined;
}

function sanityCheck(ctx: RouteContext, msgChecks: number, uriChecks: number): number {
  if (!ctx.request) return 1;
  const failure =
    firstFailure(ctx, MSG_CHECKS, msgChecks) ??
    (msgChecks & 1024 ? firstFailure(ctx, URI_CHECKS, uriChecks) : undefined);
  if (!failure) return 1;

  hostLog(
    ctx,
    'info',
    'sanity-check',
    { ksr: 'sanity-check' },
    `sanity check failed: ${failure.status} ${failure.reason}`,
  );
  ctx.answer.pendingError = { status: failure.status, reason: failure.reason };
  if (ctx.request.method !== 'ACK') {
    pushReplyHeaders(ctx, failure.headers ?? []);
    ctx.host.slReply(ctx, failure.status, failure.reason);
  }
  return -1;
}

export const sanity = defineModule('sanity', {
  'sanity-check': (ctx, m, u) => sanityCheck(ctx, m, u),
  'sanity-check-defaults': (ctx) => sanityCheck(ctx, DEFAULT_MSG_CHECKS, DEFAULT_URI_CHECKS),
});
