// A route context over a parsed message, with a host that records the replies the functions send.

import type { KsrModule } from '../../src/kemi/define.ts';
import {
  PvNames,
  RouteContext,
  type RouteHost,
  type RouteKind,
  type RouteScript,
  ScriptRegexes,
} from '../../src/kemi/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { parseMessage } from '../../src/sip/index.ts';
import type { Source } from '../../src/transport/index.ts';

export const INVITE = [
  'INVITE sip:bob@example.com:5070;transport=udp;lr SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1;rport',
  'Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-0',
  'Max-Forwards: 70',
  'From: "Alice A" <sip:alice@example.org>;tag=ft1',
  'To: Bob <sip:bob@example.com>',
  'Call-ID: call-1@10.0.0.1',
  'CSeq: 101 INVITE',
  'Contact: <sip:alice@10.0.0.1:5060>',
  'User-Agent: test-ua/1.0',
  'X-Custom: one',
  'X-Custom: two',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\n',
].join('\r\n');

export const REPLY = [
  'SIP/2.0 486 Busy Here',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
  'From: <sip:alice@example.org>;tag=ft1',
  'To: <sip:bob@example.com>;tag=tt9',
  'Call-ID: call-1@10.0.0.1',
  'CSeq: 101 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

export const SOURCE: Source = {
  proto: 'udp',
  remote: { address: '10.0.0.1', port: 5062 },
  local: { address: '127.0.0.1', port: 5060 },
};

export interface Sent {
  status: number;
  reason: string;
  headers: [string, string][];
  stateful: boolean;
}

export interface TestContext {
  ctx: RouteContext;
  sent: Sent[];
}

/** A context for `text`; `host` adds to (or replaces) the recording host's services. */
export function contextFor(
  text: string,
  kind: RouteKind = 'request',
  source: Source = SOURCE,
  extra: Partial<RouteHost> = {},
  script?: RouteScript,
): TestContext {
  const parsed = parseMessage(text, { datagram: true });
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.error.detail}`);
  const sent: Sent[] = [];
  const record = (stateful: boolean) => (ctx: RouteContext, status: number, reason: string) => {
    sent.push({ status, reason, headers: [...ctx.answer.replyHeaders], stateful });
    ctx.answer.replied = status;
    return true;
  };
  const host: RouteHost = {
    slReply: record(false),
    sendReply: record(true),
    isMyself: (host, port) =>
      (host === '127.0.0.1' || host === 'myself.test') && (port === undefined || port === 5060),
    pvNames: new PvNames(),
    regexes: new ScriptRegexes(),
    ...extra,
  };
  return { ctx: new RouteContext(kind, parsed.value, source, host, silentLogger, script), sent };
}

/** Calls a KSR function of `module` by its WIT name, as the runtime would. */
export function call(
  module: KsrModule,
  name: string,
  ctx: RouteContext,
  ...args: (string | number)[]
): unknown {
  const f = module.functions.find((g) => g.name === name);
  if (!f) throw new Error(`${module.name} has no function ${name}`);
  return f.impl(ctx, ...args);
}
