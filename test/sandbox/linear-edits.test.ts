// Every KSR function that edits the message or builds a reply, fed the largest input the limits let a
// route pass, as often as they let it (issue 11: host work that grows faster than its input). Each case is
// a real guest (WAT, wrapped as a component) run over the server's KSR tables at the default invocation
// limits, in a loop that only a limit ends: 1 MiB strings (max_string_bytes) until max_argument_bytes, the
// largest edit that still fits the message (max_message_bytes, max_header_fields) likewise, and short
// inputs until max_ksr_calls (or max_log_bytes, when each call is refused with a log line). The deadline is
// raised so it cannot hide the work: a cap on calls, arguments or logs ends each loop, and the whole
// invocation must take well under a second. Before the edit limits and in-place edits, 10 000 one-line
// hdr.append calls took 1.9 s and the 1 MiB hdr.append (131 072 lines) did not finish in 400 s.
import { describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { KSR_INTERFACES } from '../../src/kemi/generated/ksr.ts';
import { defaultInvocationLimits } from '../../src/runtime/index.ts';
import { DEFAULT_EDIT_LIMITS } from '../../src/sip/index.ts';
import { attackContext, tenant } from './helpers.ts';

// Generous: measured 2-660 ms per case on a 2-core machine at a load average of 20 (the printed figures);
// the slowest are the 63 KB URIs, which each call parses, formats and checks whole.
const BOUND_MS = 1000;

const { maxStringBytes } = defaultInvocationLimits;
const { maxMessageBytes, maxHeaderFields } = DEFAULT_EDIT_LIMITS;

/** A header section of `lines` lines of `bytes` octets in all (CRLF between lines, none after the last). */
function headerLines(lines: number, bytes: number, name = 'X-L'): string {
  const each = Math.floor((bytes + 2) / lines) - 2;
  const filler = 'v'.repeat(Math.max(1, each - name.length - 2));
  return Array.from({ length: lines }, () => `${name}: ${filler}`).join('\r\n');
}

const oneMiBOfLines = headerLines(maxStringBytes / 8, maxStringBytes, 'X');
// The largest edit the INVITE of attackContext (about 20 fields, 600 octets) still takes whole.
const roomyEdit = headerLines(maxHeaderFields - 32, maxMessageBytes - 2048);
const nearMessage = (prefix: string, suffix = '') =>
  prefix + 'a'.repeat(maxMessageBytes - 2048 - prefix.length - suffix.length) + suffix;
const oneMiB = (prefix: string, suffix = '') =>
  prefix + 'a'.repeat(maxStringBytes - prefix.length - suffix.length) + suffix;

type Arg = string | number;
interface Case {
  readonly fn: `${string}.${string}`;
  readonly args: readonly Arg[];
  /** What it is fed (printed and in the test name). */
  readonly input: string;
}

const cases: Case[] = [
  ...['append', 'insert', 'append-to-reply'].flatMap((fn): Case[] => [
    { fn: `hdr.${fn}`, args: [oneMiBOfLines], input: '1 MiB of short lines' },
    { fn: `hdr.${fn}`, args: [roomyEdit], input: 'the largest edit that fits' },
    { fn: `hdr.${fn}`, args: ['X-S: 1'], input: 'one short line' },
  ]),
  ...(['append-after', 'insert-before'] as const).flatMap((fn): Case[] => [
    { fn: `hdr.${fn}`, args: [oneMiBOfLines, 'Call-ID'], input: '1 MiB of short lines' },
    { fn: `hdr.${fn}`, args: [roomyEdit, 'Call-ID'], input: 'the largest edit that fits' },
    { fn: `hdr.${fn}`, args: ['X-S: 1', 'Call-ID'], input: 'one short line' },
  ]),
  ...(['rmappend', 'rminsert'] as const).flatMap((fn): Case[] => [
    { fn: `hdr.${fn}`, args: ['X-L', oneMiBOfLines], input: '1 MiB of short lines' },
    { fn: `hdr.${fn}`, args: ['X-L', roomyEdit], input: 'the largest edit that fits' },
    { fn: `hdr.${fn}`, args: ['X-Custom', 'X-Custom: 1'], input: 'one short line' },
  ]),
  { fn: 'hdr.remove', args: ['X-Custom'], input: 'a header name' },
  ...(['sl.sl-send-reply', 'sl.send-reply', 'tm.t-reply', 'tm.t-send-reply'] as const).flatMap(
    (fn): Case[] => [
      { fn, args: [200, oneMiB('R')], input: 'a 1 MiB reason' },
      { fn, args: [200, nearMessage('R')], input: 'the longest reason that fits' },
    ],
  ),
  { fn: 'sl.sl-reply-error', args: [], input: 'nothing' },
  ...['$ru', '$du'].flatMap((name): Case[] => [
    { fn: 'pv.sets', args: [name, oneMiB('sip:', '@example.com')], input: `${name}, a 1 MiB URI` },
    {
      fn: 'pv.sets',
      args: [name, nearMessage('sip:', '@example.com')],
      input: `${name}, the longest URI that fits`,
    },
  ]),
  ...['$rU', '$rd'].map(
    (name): Case => ({ fn: 'pv.sets', args: [name, nearMessage('')], input: `${name}, 63 KB` }),
  ),
  { fn: 'pv.seti', args: ['$rp', 5070], input: '$rp' },
  { fn: 'pv.sets', args: ['$var(big)', oneMiB('')], input: '$var, 1 MiB' },
  { fn: 'pv.unset', args: ['$du'], input: '$du' },
  { fn: 'core.seturi', args: [nearMessage('sip:', '@example.com')], input: 'the longest URI that fits' },
  { fn: 'core.setuser', args: [oneMiB('')], input: 'a 1 MiB user' },
  { fn: 'core.sethost', args: [nearMessage('')], input: 'a 63 KB host' },
  { fn: 'core.setdsturi', args: [oneMiB('sip:', '@example.com')], input: 'a 1 MiB URI' },
  { fn: 'siputils.add-uri-param', args: [nearMessage('p=')], input: 'the longest parameter that fits' },
  { fn: 'siputils.add-uri-param', args: [oneMiB('p=')], input: 'a 1 MiB parameter' },
  { fn: 'rr.record-route-params', args: [nearMessage(';p=')], input: 'the longest parameters that fit' },
  { fn: 'rr.add-rr-param', args: [oneMiB(';p=')], input: '1 MiB of parameters' },
  { fn: 'rr.add-rr-param', args: [';p=1'], input: 'a short parameter' },
  { fn: 'rr.record-route-preset', args: [nearMessage('h', '.example.com'), ''], input: 'a 63 KB address' },
  { fn: 'rr.record-route', args: [], input: 'nothing' },
  { fn: 'rr.loose-route', args: [], input: 'nothing' },
  { fn: 'corex.append-branch-uri', args: [nearMessage('sip:', '@example.com')], input: 'a 63 KB URI' },
  { fn: 'corex.append-branch-uri-q', args: [oneMiB('sip:', '@example.com'), '0.5'], input: 'a 1 MiB URI' },
  { fn: 'corex.append-branch', args: [], input: 'nothing' },
  { fn: 'maxfwd.process-maxfwd', args: [10], input: 'a limit' },
  { fn: 'sanity.sanity-check-defaults', args: [], input: 'nothing' },
];

/** A route that calls `fn` with `args` until a limit ends the invocation. */
async function looping({ fn, args }: Case): Promise<Uint8Array> {
  const [iface, name] = fn.split('.') as [keyof typeof KSR_INTERFACES, string];
  const signature = (KSR_INTERFACES[iface] as Record<string, { result: string }>)[name];
  const g = new Guest();
  g.memoryPages = 40;
  const call = g.call(iface, name, args);
  const flat = ['s32', 'bool'].includes(signature.result);
  g.route('request-route', `(loop $l ${flat ? `(drop ${call})` : call} (br $l))`);
  return g.component();
}

describe('each KSR function that edits or builds costs time linear in its input', () => {
  it.each(cases.map((c) => [c.fn, c.input, c] as const))('%s with %s', async (fn, input, c) => {
    const runner = await tenant(await looping(c), { limits: { deadlineMs: 60_000 } });
    const { ctx } = attackContext('bob', runner);
    const started = performance.now();
    const outcome = runner.invoke('request-route', ctx);
    const ms = performance.now() - started;
    console.log(`${fn} with ${input}: ${runner.last?.ksrCalls ?? '?'} calls in ${ms.toFixed(1)} ms`);
    // A cap on calls, arguments or logs ended the loop, never the deadline.
    expect(outcome).toMatchObject({ ok: false, error: { cause: 'limit' } });
    if (!outcome.ok) expect(outcome.error.message).not.toMatch(/deadline/);
    expect(ms).toBeLessThan(BOUND_MS);
    // What the message holds stayed within its limits, and so did the reply being built.
    expect(ctx.msg.size).toBeLessThanOrEqual(maxMessageBytes);
    expect(ctx.msg.headerCount).toBeLessThanOrEqual(maxHeaderFields);
    expect(ctx.answer.replyHeaderBytes).toBeLessThanOrEqual(maxMessageBytes);
  });
});
