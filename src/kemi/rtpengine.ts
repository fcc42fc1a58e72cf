// KSR rtpengine (Kamailio's rtpengine module): the message's SDP goes to a media relay over the ng
// protocol and is replaced by the relay's. KSR functions are synchronous host calls and the relay answers
// later: the function returns 1 once the command went to an enabled instance, and the message is held
// (sip/message-hold.ts) until the answer's SDP is in it; the transaction sends its branches, or the
// response goes upstream, only then. A command that comes to nothing (every instance silent, an error
// reply) leaves the message as it was, logged and counted (src/rtpengine/README.md).
import { type BDict, type BValue, parseFlags } from '../rtpengine/index.ts';
import { holdMessage, type MessageEdit } from '../sip/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';

type Command = 'offer' | 'answer' | 'delete' | 'query';

function refuse(ctx: RouteContext, ksr: string, why: string): number {
  hostLog(ctx, 'error', ksr, { ksr }, why);
  return -1;
}

/** The message's SDP body, or undefined (no body, or a Content-Type other than application/sdp). */
function sdpOf(ctx: RouteContext): string | undefined {
  const body = ctx.msg.body;
  if (body === '') return undefined;
  const type = ctx.msg.get('content-type');
  if (type !== undefined && !/^\s*application\/sdp\s*(;|$)/i.test(type)) return undefined;
  return body;
}

/** The branch of the Via `which` names (1 top, 2 the next; auto: 1 in a request, 2 in a reply). */
function viaBranch(ctx: RouteContext, which: string): string | undefined {
  const index = which === '2' || (which === 'auto' && ctx.reply !== undefined) ? 1 : 0;
  return ctx.msg.vias?.[index]?.branch;
}

function run(ctx: RouteContext, command: Command, flags: string): number {
  const ksr = `rtpengine-${command}`;
  const host = ctx.host.rtpengine;
  if (!host) return refuse(ctx, ksr, 'no rtpengine instance is configured ([rtpengine] instances)');
  const parsed = parseFlags(flags);
  if (!parsed.ok) return refuse(ctx, ksr, `bad flags: ${parsed.error}`);
  const { entries, own } = parsed.value;
  const msg = ctx.msg;
  const callId = own.callId ?? msg.callId;
  const dict: BDict = { ...entries, command, 'call-id': callId };
  const fromTag = own.fromTag ?? msg.from?.tag;
  if (fromTag === undefined) return refuse(ctx, ksr, 'the From header has no tag');
  dict['from-tag'] = fromTag;
  const toTag = own.toTag ?? msg.to?.tag;
  if (toTag !== undefined) dict['to-tag'] = toTag;
  if (own.viaBranch !== undefined) {
    const branch = viaBranch(ctx, own.viaBranch);
    if (branch !== undefined) dict['via-branch'] = branch;
  }
  const remote = ctx.source.remote;
  dict['received-from'] = [remote.address.includes(':') ? 'IP6' : 'IP4', remote.address] as BValue[];
  const edits = command === 'offer' || command === 'answer';
  if (edits) {
    const sdp = sdpOf(ctx);
    if (sdp === undefined) return refuse(ctx, ksr, 'the message has no SDP body');
    dict.sdp = sdp;
  }
  if (!host.client.available(callId)) return refuse(ctx, ksr, 'no rtpengine instance is enabled');

  const log = ctx.log;
  const limiter = ctx.host.logLimit;
  const tenant = ctx.tenant ?? '';
  const outcome = host.client.command(callId, dict);
  const answered = outcome.then((result): MessageEdit | undefined => {
    if (!result.ok) {
      host.failed[tenant] = (host.failed[tenant] ?? 0) + 1;
      // After the route returned: rate-limited like a host line, charged to no invocation.
      const line = `${ksr}: ${result.error.message}`;
      const fields = { ksr, code: result.error.code };
      if (limiter) limiter.write(log, 'warn', 'rtpengine-failed', fields, line);
      else log.warn(fields, line);
      return undefined;
    }
    if (command === 'query') log.debug({ ksr, reply: result.value }, 'rtpengine query');
    const sdp = result.value.sdp;
    if (!edits || typeof sdp !== 'string') return undefined;
    return (message) => {
      message.setBody(sdp);
    };
  });
  // Only an offer or answer changes the message; a delete or query lets it go on at once.
  if (edits) holdMessage(msg, answered);
  return 1;
}

/** Kamailio's rtpengine_manage: the command the message calls for. */
function manage(ctx: RouteContext, flags: string): number {
  const request = ctx.request;
  const hasSdp = sdpOf(ctx) !== undefined;
  if (request) {
    const method = request.method;
    if (method === 'CANCEL' || method === 'BYE') return run(ctx, 'delete', flags);
    if ((method === 'INVITE' || method === 'UPDATE') && hasSdp) {
      // In a failure route Kamailio deletes the call before the new offer; here the offer alone updates
      // the call on the relay (a delete and an offer in flight at once could reach it in either order).
      return run(ctx, 'offer', flags);
    }
    if (method === 'ACK' && hasSdp) return run(ctx, 'answer', flags);
    return -1;
  }
  const reply = ctx.reply!;
  const method = reply.cseq.method;
  if (method !== 'INVITE' && method !== 'UPDATE') return -1;
  if (reply.status >= 300) return method === 'INVITE' ? run(ctx, 'delete', flags) : -1;
  if (!hasSdp) return -1;
  // The INVITE had no SDP (late offer): the reply's SDP is the offer.
  const offerInRequest = ctx.tm.transaction ? ctx.tm.transaction.request.body !== '' : true;
  return run(ctx, offerInRequest ? 'answer' : 'offer', flags);
}

export const rtpengine = defineModule('rtpengine', {
  'rtpengine-manage': (ctx, flags) => manage(ctx, flags),
  'rtpengine-offer': (ctx, flags) => run(ctx, 'offer', flags),
  'rtpengine-answer': (ctx, flags) => run(ctx, 'answer', flags),
  'rtpengine-delete': (ctx, flags) => run(ctx, 'delete', flags),
  'rtpengine-query': (ctx, flags) => run(ctx, 'query', flags),
});
