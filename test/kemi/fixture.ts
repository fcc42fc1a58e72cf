// A route context over a parsed message, with a host that records the replies the functions send.

import { SOURCE } from '../../fixtures/messages.ts';
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

export { INVITE, REPLY, SOURCE } from '../../fixtures/messages.ts';

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
