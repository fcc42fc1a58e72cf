// KSR sanity: Kamailio 5.6's sanity checks (src/modules/sanity/sanity.c), selected by the same bits, run in
// the same order, failing with the same replies. A failed check replies (never to an ACK or a reply) and
// returns -1; some failures Kamailio sends no reply for (a message without From/To/Call-ID/CSeq, a broken
// top Via, a credentials header of another scheme under bit 2048). With the `sanity.noreply` setting the
// reply is kept for `sanity-reply` instead. On a reply (onreply routes) the checks of the request line
// (bits 1, 2, 32 and the R-URI check) do not apply: Kamailio reads a reply's first line as a request's there.
import { parseUri } from '../sip/index.ts';
import type { RouteContext, SanityFailure } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { pushReplyHeaders } from './message-budget.ts';

/** A failed check: the reply it asks for, or none (Kamailio's FL_MSG_NOREPLY). */
type Failure = SanityFailure | 'no-reply';

type Check = (ctx: RouteContext) => Failure | undefined;

const fail = (status: number, reason: string, headers: [string, string][] = []): Failure => ({
  status,
  reason,
  headers,
});

/** Kamailio's str2valid_uint: 1 to 10 digits, at most 2^32 - 1. */
const validUint = (text: string) => /^[0-9]{1,10}$/.test(text) && Number(text) <= 0xffffffff;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

function tagCount(value: string): number {
  // Parameters of a name-addr follow its '>'; of an addr-spec, the first ';'.
  const close = value.lastIndexOf('>');
  return (value.slice(close + 1).match(/;\s*tag\s*=/gi) ?? []).length;
}

/** Digest parameters by lower-case name, or undefined when the header does not parse. */
function digestParams(rest: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  const param = /\s*([A-Za-z0-9._-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,"]+)\s*(,|$)/y;
  let p = 0;
  while (p < rest.length) {
    param.lastIndex = p;
    const m = param.exec(rest);
    if (!m) return undefined;
    params.set(m[1].toLowerCase(), m[3] ?? m[2]);
    p = param.lastIndex;
  }
  return params;
}

/**
 * sanity.c check_digest_only over Authorization, then Proxy-Authorization: 'other' at the first header of
 * another scheme (Kamailio's SANITY_CHECK_NOT_APPLICABLE), else the first failure.
 */
function checkDigest(ctx: RouteContext): Failure | 'other' | undefined {
  const values = [
    ...ctx.msg.getFieldValues('Authorization'),
    ...ctx.msg.getFieldValues('Proxy-Authorization'),
  ];
  for (const value of values) {
    const m = /^\s*([A-Za-z][A-Za-z0-9._-]*)(?:\s+([\s\S]*))?$/.exec(value);
    if (!m) return fail(400, 'Bad Auth Header');
    if (m[1].toLowerCase() !== 'digest') return 'other';
    const params = digestParams(m[2] ?? '');
    if (!params) return fail(400, 'Bad Auth Header');
    // digest.c check_dig_cred: username, realm, nonce, uri and response present; with qop, cnonce and nc.
    const required = ['username', 'realm', 'nonce', 'uri', 'response'];
    const qop = params.get('qop')?.toLowerCase();
    if (qop === 'auth' || qop === 'auth-int') required.push('cnonce', 'nc');
    if (required.some((name) => !params.has(name))) return fail(400, 'Bad Auth Credentials');
    if (params.get('username') === '') return fail(400, 'Auth Empty User');
    if (params.get('nonce') === '') return fail(400, 'Auth Empty Nonce');
    if (params.get('response') === '') return fail(400, 'Auth Empty Response');
  }
  return undefined;
}

/**
 * From, To, Call-ID and CSeq each present once. None of them is a list header (sip/header-names.ts), so a
 * field is one value (getAll(name).length is the number of fields): counted by key in one pass, without
 * the split and copied values getAll would leave cached on every request's fields.
 */
function requiredOnce(ctx: RouteContext): boolean {
  let from = 0;
  let to = 0;
  let callId = 0;
  let cseq = 0;
  for (const field of ctx.msg.headerFields()) {
    const key = field.key;
    if (key === 'from') from++;
    else if (key === 'to') to++;
    else if (key === 'call-id') callId++;
    else if (key === 'cseq') cseq++;
  }
  return from === 1 && to === 1 && callId === 1 && cseq === 1;
}

/** Request-line checks: skipped for a reply. */
const requestOnly =
  (check: Check): Check =>
  (ctx) =>
    ctx.request ? check(ctx) : undefined;

/** The message checks by bit, in the order sanity.c's sanity_check runs them. */
const MSG_CHECKS: [bit: number, check: Check][] = [
  [
    1,
    requestOnly((ctx) =>
      ctx.msg.version.toUpperCase() === 'SIP/2.0' ? undefined : fail(505, 'Version Not Supported (R-URI)'),
    ),
  ],
  [
    2,
    requestOnly((ctx) => {
      if (ctx.request!.parsedUri) return undefined;
      const scheme = SCHEME.exec(ctx.request!.uri)?.[1].toLowerCase();
      return scheme !== undefined && !['sip', 'sips', 'tel'].includes(scheme)
        ? fail(416, 'Unsupported URI Scheme in Request URI')
        : fail(400, 'Bad Request URI');
    }),
  ],
  [
    4,
    // check_required_headers: the transaction's From, To, Call-ID and CSeq, once each; no reply.
    (ctx) => (requiredOnce(ctx) ? undefined : 'no-reply'),
  ],
  [16384, (ctx) => (ctx.msg.via.host !== '' ? undefined : 'no-reply')],
  // Bits 8 and 16 are no-ops in Kamailio 5.6 (its Via parser already refuses what they would catch); here
  // they check (docs/ksr-api.md, Differences from Kamailio).
  [8, (ctx) => (ctx.msg.via.version === '2.0' ? undefined : fail(505, 'Version Not Supported (Via)'))],
  [
    16,
    (ctx) =>
      ctx.msg.via.transport.toLowerCase() === ctx.source.proto
        ? undefined
        : fail(400, 'Transport Missmatch in Topmost Via'),
  ],
  [
    32,
    requestOnly((ctx) =>
      ctx.msg.cseq.method === ctx.request!.method
        ? undefined
        : fail(400, 'CSeq method does not match request method'),
    ),
  ],
  [64, (ctx) => (ctx.msg.cseq.seq <= 0xffffffff ? undefined : fail(400, 'CSeq number is illegal'))],
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
      const expires = ctx.msg.get('Expires')?.trim();
      if (expires === undefined) return undefined;
      if (expires === '') return fail(400, 'Missing number in Expires header');
      return validUint(expires) ? undefined : fail(400, 'Expires value is illegal');
    },
  ],
  [
    512,
    (ctx) => {
      // No extension needs a proxy's support here (Kamailio's proxy_require parameter, empty by default):
      // the first option tag is unsupported (RFC 3261 8.2.2.3).
      const first = ctx.msg
        .getFieldValues('Proxy-Require')
        .flatMap((v) => v.split(','))
        .map((t) => t.trim())
        .find((t) => t !== '');
      return first === undefined
        ? undefined
        : fail(420, 'Bad Proxy Require Extension', [['Unsupported', first]]);
    },
  ],
  [1024, () => undefined], // URI checks: sanityCheck runs URI_CHECKS here, with the uri-checks bits.
  [
    2048,
    (ctx) => {
      const found = checkDigest(ctx);
      return found === 'other' ? 'no-reply' : found;
    },
  ],
  [
    8192,
    (ctx) => {
      const found = checkDigest(ctx);
      return found === 'other' ? undefined : found;
    },
  ],
  [
    4096,
    (ctx) => {
      if (tagCount(ctx.msg.getFieldValues('From')[0] ?? '') > 1) return fail(400, 'Many From Tag Params');
      if (tagCount(ctx.msg.getFieldValues('To')[0] ?? '') > 1) return fail(400, 'Many To Tag Params');
      return undefined;
    },
  ],
];

/**
 * Whether `uri` (a From or To URI) parses. An initial request's To URI is most often its Request-URI, whose
 * parse the request keeps (and the R-URI check and later readers use): the same text, the same answer.
 */
function parses(ctx: RouteContext, uri: string | undefined): boolean {
  if (uri === undefined) return false;
  const request = ctx.request;
  return request !== undefined && uri === request.uri
    ? request.parsedUri !== undefined
    : parseUri(uri) !== undefined;
}

/** The URI checks by bit (sanity.c check_parse_uris): R-URI, From, To, Contact. */
const URI_CHECKS: [bit: number, check: Check][] = [
  [1, requestOnly((ctx) => (ctx.request!.parsedUri ? undefined : fail(400, 'Bad Request URI')))],
  [2, (ctx) => (parses(ctx, ctx.msg.from?.uri) ? undefined : fail(400, 'Invalid From Header'))],
  // Kamailio's reason phrase, as it spells it.
  [4, (ctx) => (parses(ctx, ctx.msg.to?.uri) ? undefined : fail(400, 'Ivalid To Header'))],
  [
    8,
    (ctx) => {
      if (!ctx.msg.has('Contact')) return undefined;
      const contacts = ctx.msg.contacts;
      if (contacts === '*') return undefined;
      if (contacts === undefined) return fail(400, 'Bad Contact Header');
      return contacts.every((c) => parseUri(c.uri)) ? undefined : fail(400, 'Bad Contact URI');
    },
  ],
];

/** Kamailio's default checks (sanity's default_checks and uri_checks parameters). */
export const DEFAULT_MSG_CHECKS = 17895;
export const DEFAULT_URI_CHECKS = 7;

function firstFailure(
  ctx: RouteContext,
  checks: [number, Check][],
  bits: number,
  uriChecks = 0,
): Failure | undefined {
  for (const [bit, check] of checks) {
    if (!(bits & bit)) continue;
    const failure =
      bit === 1024 && checks === MSG_CHECKS ? firstFailure(ctx, URI_CHECKS, uriChecks) : check(ctx);
    if (failure) return failure;
  }
  return undefined;
}

function sanityCheck(ctx: RouteContext, msgChecks: number, uriChecks: number): number {
  const failure = firstFailure(ctx, MSG_CHECKS, msgChecks, uriChecks);
  if (!failure) return 1;

  const what = failure === 'no-reply' ? 'no reply' : `${failure.status} ${failure.reason}`;
  hostLog(ctx, 'info', 'sanity-check', { ksr: 'sanity-check' }, `sanity check failed: ${what}`);
  // sanity.c sanity_reply: never to a reply or an ACK; kept for sanity-reply with noreply.
  if (failure === 'no-reply' || !ctx.request || ctx.request.method === 'ACK') return -1;
  ctx.answer.pendingError = { status: failure.status, reason: failure.reason };
  if (ctx.host.sanityNoReply) ctx.answer.sanityFailure = failure;
  else {
    pushReplyHeaders(ctx, failure.headers);
    ctx.host.slReply(ctx, failure.status, failure.reason);
  }
  return -1;
}

export const sanity = defineModule('sanity', {
  'sanity-check': (ctx, m, u) => sanityCheck(ctx, m, u),
  'sanity-check-defaults': (ctx) => sanityCheck(ctx, DEFAULT_MSG_CHECKS, DEFAULT_URI_CHECKS),
  // sanity.c ki_sanity_reply: only with noreply; the kept reply, else 500 Server Sanity Failure.
  'sanity-reply': (ctx) => {
    if (!ctx.request || ctx.request.method === 'ACK' || !ctx.host.sanityNoReply) return 1;
    const failure = ctx.answer.sanityFailure ?? { status: 500, reason: 'Server Sanity Failure', headers: [] };
    pushReplyHeaders(ctx, failure.headers);
    return ctx.host.slReply(ctx, failure.status, failure.reason) ? 1 : -1;
  },
});
