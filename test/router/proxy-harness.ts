// A Router on a fake transport and virtual time, with routes written in JS against the real KSR tables:
// messages go in with receive(), what the server sends is recorded, timers fire when the test advances
// the clock. The caller (UAC) is 192.0.2.1:5060, the proxy 127.0.0.1:5060, callees 192.0.2.20-29:5060.

import type { Logger } from 'pino';
import type { AccHost, RouteContext } from '../../src/kemi/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { err, OK } from '../../src/result.ts';
import type { ScriptGuard } from '../../src/router/failure-policy.ts';
import { Myself } from '../../src/router/myself.ts';
import { Router } from '../../src/router/router.ts';
import { fixedScript, type Script } from '../../src/router/script.ts';
import type { AuthorizeDestination } from '../../src/router/transaction-host.ts';
import type { FailureCause, ModuleRunner, Outcome, RouteName } from '../../src/runtime/index.ts';
import { parseMessage, type SipRequest, type SipResponse } from '../../src/sip/index.ts';
import type { HtableStore } from '../../src/state/htable.ts';
import type { TimerValues, TransactionCapLimits } from '../../src/tm/index.ts';
import type {
  AddressTarget,
  Resolve,
  SendDone,
  SendResult,
  SendTarget,
  Source,
  Transport,
} from '../../src/transport/index.ts';
import { VirtualClock } from '../tm/virtual-clock.ts';

/**
 * A route in JS: gets the context and the KSR caller. Returning 'overran' stands for a guest that returned
 * after its deadline; any other value is ignored.
 */
export type JsRoute = (ctx: RouteContext, ksr: Ksr) => unknown;

export interface JsScript {
  request?: JsRoute;
  reply?: JsRoute;
  named?: Record<string, JsRoute>;
}

/** Calls a KSR function by interface and WIT name: ksr('tm', 't-relay'). */
export type Ksr = (iface: string, fn: string, ...args: (string | number)[]) => unknown;

const tables = new Map(ksrModules.map((m) => [m.name, new Map(m.functions.map((f) => [f.name, f.impl]))]));

function ksrFor(ctx: RouteContext): Ksr {
  return (iface, fn, ...args) => {
    const impl = tables.get(iface)?.get(fn);
    if (!impl) throw new Error(`no KSR function ${iface}.${fn}`);
    return impl(ctx, ...args);
  };
}

/** A route that fails as a guest would: the invocation ends with `cause` (a trap by default). */
export class RouteFailure extends Error {
  readonly failureCause: FailureCause;
  constructor(message = 'unreachable', cause: FailureCause = 'trap') {
    super(message);
    this.failureCause = cause;
  }
}

/**
 * A script whose routes are JS functions; `invocations` lists every route run ("named-route:failover").
 * A route that throws RouteFailure fails its invocation with the failure's cause.
 */
export function jsScript(
  routes: JsScript,
  version = 1,
  tenant = 'default',
  log: Logger = silentLogger,
): Script & { invocations: string[] } {
  const invocations: string[] = [];
  const runner = {
    meter: { chargeLog: () => {} },
    last: { fuelUsed: 0, ksrCalls: 0, logBytes: 0, overran: false },
    invoke(route: RouteName, ctx: RouteContext, name?: string): Outcome {
      runner.last.overran = false;
      invocations.push(name === undefined ? route : `${route}:${name}`);
      const fn =
        route === 'request-route'
          ? routes.request
          : route === 'reply-route'
            ? routes.reply
            : routes.named?.[name!];
      try {
        runner.last.overran = fn?.(ctx, ksrFor(ctx)) === 'overran';
      } catch (error) {
        if (!(error instanceof RouteFailure)) throw error;
        return err({ route, cause: error.failureCause, message: `${route}: ${error.message}`, error });
      }
      return OK;
    },
  } as unknown as ModuleRunner;
  return Object.assign(fixedScript(tenant, version, runner, log.child({ tenant, version })), { invocations });
}

export interface Sent {
  readonly target: AddressTarget;
  readonly text: string;
  readonly message: SipRequest | SipResponse;
}

export const PROXY: Source['local'] = { address: '127.0.0.1', port: 5060 };
export const UAC = { address: '192.0.2.1', port: 5060 };

/** The fake transport: one UDP and one TCP listener on 127.0.0.1:5060; send results scripted per address. */
class FakeTransport {
  readonly sent: Sent[] = [];
  /** Addresses ("192.0.2.20:5060") whose sends fail. */
  readonly failing = new Set<string>();
  readonly localAddresses = [
    {
      proto: 'udp' as const,
      address: '127.0.0.1',
      port: 5060,
      family: 4 as const,
      spec: 'udp:127.0.0.1:5060',
    },
    {
      proto: 'tcp' as const,
      address: '127.0.0.1',
      port: 5060,
      family: 4 as const,
      spec: 'tcp:127.0.0.1:5060',
    },
  ];

  isLocal(address: string, port?: number): boolean {
    return address === '127.0.0.1' && (port === undefined || port === 5060);
  }

  send(target: SendTarget, bytes: Buffer, done?: SendDone): void {
    const t = target as AddressTarget;
    const parsed = parseMessage(bytes);
    if (!parsed.ok) throw new Error(`the server sent an unparseable message: ${parsed.error.detail}`);
    this.sent.push({ target: t, text: bytes.toString('latin1'), message: parsed.value });
    const where = `${t.address}:${t.port}`;
    const result: SendResult = this.failing.has(where)
      ? {
          ok: false,
          error: {
            code: 'connection-refused',
            target: `${t.proto}:${where}`,
            message: `connect to ${where} refused`,
          },
        }
      : { ok: true, value: { proto: t.proto, local: PROXY, remote: { address: t.address, port: t.port } } };
    // As the transport's: heard after send returned.
    if (done !== undefined) queueMicrotask(() => done(result));
  }
}

export interface ProxyHarness {
  readonly core: Router;
  readonly clock: VirtualClock;
  readonly transport: FakeTransport;
  /** Hands a message to the server as if it came from `from` (the UAC by default). */
  receive(text: string, from?: { address: string; port: number }, proto?: 'udp' | 'tcp'): void;
  /** Messages sent to `address` (all when absent), in order. */
  sentTo(address?: string): Sent[];
  /** Start lines of what was sent to `address`. */
  lines(address?: string): string[];
  /** Lets send results (promises) settle. */
  settle(): Promise<void>;
}

export interface HarnessOptions {
  readonly script: Script;
  readonly timers?: Partial<TimerValues>;
  /** Transaction caps (the defaults when absent). */
  readonly caps?: Partial<TransactionCapLimits>;
  readonly authorizeDestination?: AuthorizeDestination;
  readonly defines?: Record<string, string>;
  readonly tenantDefines?: Record<string, Record<string, string>>;
  readonly htables?: HtableStore;
  readonly guard?: ScriptGuard;
  /** The operator's relay_to_self (off by default). */
  readonly relayToSelf?: boolean;
  /** Resolves relay destinations' host names (none resolve when absent). */
  readonly resolve?: Resolve;
  /** Accounting (acc): nothing is accounted when absent. */
  readonly acc?: AccHost;
  /** The selector's choice per message (default: always `script`). */
  readonly select?: (msg: SipRequest | SipResponse, source: Source) => Script | undefined;
}

export function proxyHarness(options: HarnessOptions): ProxyHarness {
  const clock = new VirtualClock();
  const transport = new FakeTransport();
  const t = transport as unknown as Transport;
  const core = new Router({
    transport: t,
    myself: new Myself(t, ['proxy.example.com']),
    selector: { select: options.select ?? (() => options.script) },
    log: silentLogger,
    clock,
    timers: options.timers,
    transactionCaps: options.caps,
    authorizeDestination: options.authorizeDestination,
    defines: options.defines,
    tenantDefines: options.tenantDefines,
    htables: options.htables,
    guard: options.guard,
    relayToSelf: options.relayToSelf,
    acc: options.acc,
    resolve:
      options.resolve ??
      (async (host) => ({ ok: false, error: { systemCode: 'ENOTFOUND', message: `no such name ${host}` } })),
    recordRouteParams: (script) => `;kwv=${script.version}`,
  });
  const harness: ProxyHarness = {
    core,
    clock,
    transport,
    receive(text, from = UAC, proto = 'udp') {
      core.receive(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1'), {
        proto,
        remote: from,
        local: PROXY,
      });
    },
    sentTo: (address) => transport.sent.filter((s) => address === undefined || s.target.address === address),
    lines: (address) => harness.sentTo(address).map((s) => s.text.slice(0, s.text.indexOf('\r\n'))),
    settle: () => new Promise((resolve) => setImmediate(resolve)),
  };
  return harness;
}

/** An INVITE (or other method) from the UAC. */
export function uacRequest(
  method = 'INVITE',
  opts: { branch?: string; extra?: string[]; cseq?: number; uri?: string; toTag?: string } = {},
): string {
  const branch = opts.branch ?? 'z9hG4bK-uac1';
  return [
    `${method} ${opts.uri ?? 'sip:bob@proxy.example.com'} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.org>;tag=from1',
    `To: <sip:bob@example.com>${opts.toTag ? `;tag=${opts.toTag}` : ''}`,
    'Call-ID: call-1@192.0.2.1',
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    'Contact: <sip:alice@192.0.2.1:5060>',
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The response a callee sends to `request` (what the proxy forwarded), with its Via set. */
export function calleeResponse(
  request: SipRequest | SipResponse,
  status: number,
  reason = 'Reason',
  toTag = 'callee',
  extra: string[] = [],
): string {
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...request.getFieldValues('Via').map((v) => `Via: ${v}`),
    ...request.getFieldValues('Record-Route').map((v) => `Record-Route: ${v}`),
    `From: ${request.getFieldValues('From')[0]}`,
    `To: ${request.getFieldValues('To')[0]}${status > 100 && !request.to?.tag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${request.callId}`,
    `CSeq: ${request.getFieldValues('CSeq')[0]}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The routing of the proxy examples, in JS: relay to $du = PRIMARY with record-route and failover. */
export const exampleRoutes = (extra: Partial<JsScript> = {}): JsScript => ({
  request: (_ctx, ksr) => {
    if ((ksr('maxfwd', 'process-maxfwd', 10) as number) < 0) {
      ksr('sl', 'sl-send-reply', 483, 'Too Many Hops');
      return;
    }
    const relay = () => {
      if ((ksr('tm', 't-relay') as number) < 0) ksr('sl', 'sl-reply-error');
    };
    if (ksr('core', 'is-method', 'CANCEL')) {
      if ((ksr('tm', 't-check-trans') as number) > 0) relay();
      return;
    }
    if ((ksr('siputils', 'has-totag') as number) > 0) {
      if ((ksr('rr', 'loose-route') as number) > 0) return relay();
      if (ksr('core', 'is-method', 'ACK') && (ksr('tm', 't-check-trans') as number) > 0) return relay();
      if (!ksr('core', 'is-method', 'ACK')) ksr('sl', 'sl-send-reply', 404, 'Not here');
      return;
    }
    ksr('hdr', 'remove', 'Route');
    if (ksr('core', 'is-method-in', 'IS')) ksr('rr', 'record-route');
    ksr(
      'core',
      'setdsturi',
      (ksr('kx', 'get-def', 'PRIMARY') as string | undefined) ?? 'sip:192.0.2.20:5060',
    );
    if (ksr('core', 'is-method', 'INVITE')) ksr('tm', 't-on-failure', 'failover');
    relay();
  },
  named: {
    failover: (_ctx, ksr) => {
      if ((ksr('tm', 't-is-canceled') as number) > 0 || ksr('core', 'isflagset', 1)) return;
      if (
        (ksr('tm', 't-check-status', '^5[0-9][0-9]$') as number) < 0 &&
        (ksr('tm', 't-branch-timeout') as number) < 0
      )
        return;
      const secondary = ksr('kx', 'get-def', 'SECONDARY') as string | undefined;
      if (secondary === undefined) return;
      ksr('core', 'setflag', 1);
      ksr('core', 'setdsturi', secondary);
      ksr('tm', 't-relay');
    },
    ...extra.named,
  },
  ...(extra.request && { request: extra.request }),
  ...(extra.reply && { reply: extra.reply }),
});
