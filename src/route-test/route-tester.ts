// Runs a route offline: the real message path (src/router, src/tm, the KSR tables of src/kemi, the
// runtime) on a transport that opens no socket and records what the server would send. Route authors use
// it through `kemi-wasm test` (src/cli/test.ts) or import it; each message reports the KSR calls the route
// made and what went out (the reply to the sender, requests relayed elsewhere).
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { authSettings, nonceSettings } from '../config/auth-schema.ts';
import { validateConfig } from '../config/load.ts';
import { type AuthHost, type KsrModule, ksrModules } from '../kemi/index.ts';
import { err, ok, type Result } from '../result.ts';
import { Myself } from '../router/myself.ts';
import { Router } from '../router/router.ts';
import { fixedScript } from '../router/script.ts';
import { createRunner, Engine, Linker } from '../runtime/index.ts';
import { parseMessage, type SipRequest, SipResponse } from '../sip/index.ts';
import { DEFAULT_REGISTRAR, LocationStore, NonceIssuer, SubscriberStore } from '../state/index.ts';
import type {
  AddressTarget,
  Proto,
  SendDone,
  SendResult,
  SendTarget,
  Transport,
} from '../transport/index.ts';

/** The server's own address in a test: requests to it are "myself". */
export const TEST_SERVER = { address: '127.0.0.1', port: 5060 } as const;
/** The wall-clock bound of one route invocation in a test. */
export const TEST_DEADLINE_MS = 5000;
/** Where a test message comes from unless the case says otherwise. */
export const TEST_SENDER = { address: '192.0.2.1', port: 5060 } as const;

export interface Peer {
  readonly proto: Proto;
  readonly address: string;
  readonly port: number;
}

/** One message the server sent. */
export interface SentMessage {
  readonly to: Peer;
  /** The start line: `SIP/2.0 404 Not Found`, `INVITE sip:bob@192.0.2.20 SIP/2.0`. */
  readonly line: string;
  readonly message: SipRequest | SipResponse;
}

/** What one message caused. */
export interface RouteRun {
  /** Every KSR call, in order, as the script wrote it (without `KSR.`): `sl.sl_send_reply(404, "Not Found")
   *  = 1`, `is_method("INVITE") = true`. */
  readonly calls: readonly string[];
  /** What the server logged at warn or above while routing the message (a trap, a refused relay). */
  readonly problems: readonly string[];
  /** The response sent back to the sender, if any (the last one: a 100 Trying may come before). */
  readonly reply: SipResponse | undefined;
  /** Requests the server sent on (relays), in order. */
  readonly relayed: readonly SentMessage[];
  /** Everything sent, in order. */
  readonly sent: readonly SentMessage[];
}

export interface RouteTesterOptions {
  /** Kamailio `#!define` values read with KSR.kx.get_def. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Domains `is_myself` accepts besides 127.0.0.1:5060. */
  readonly domains?: readonly string[];
}

export interface RouteTester {
  /** Feeds one SIP message (LF or CRLF line ends) from `from` (TEST_SENDER by default). */
  run(message: string, from?: Peer): Promise<RouteRun>;
  close(): Promise<void>;
}

/** Compiles and links `component` (a .wasm of the script world) and puts it behind an offline server. */
export async function createRouteTester(
  component: Uint8Array,
  options: RouteTesterOptions = {},
): Promise<Result<RouteTester, string>> {
  // The auth functions get the server's default settings (and a subscriber table of the test's own).
  const defaults = validateConfig({});
  if (!defaults.ok) return err(defaults.error);
  const authConfig = defaults.value.auth;
  const calls: string[] = [];
  const engine = new Engine();
  const compiled = await engine.compile(component);
  if (!compiled.ok) {
    await engine.close();
    return err(`the route does not load: ${compiled.error.code}: ${compiled.error.message}`);
  }
  // The fuel budget is the server's; the wall-clock deadline is generous: a test proves what a route does,
  // and a loaded machine (CI) must not turn a slow first call into a failure.
  const runner = createRunner(compiled.value, new Linker(recordingTables(calls)), {
    limits: { deadlineMs: TEST_DEADLINE_MS, jsDeadlineMs: TEST_DEADLINE_MS },
  });
  if (!runner.ok) {
    await engine.close();
    return err(`the route does not link: ${runner.error.message}`);
  }
  const location = LocationStore.open({ dir: undefined });
  if (!location.ok) {
    await engine.close();
    return err(location.error);
  }
  const subscribers = SubscriberStore.open({
    dir: undefined,
    maxSubscribers: authConfig.max_subscribers,
    storePasswords: true,
  });
  if (!subscribers.ok) {
    location.value.close();
    await engine.close();
    return err(subscribers.error);
  }
  const auth: AuthHost = {
    nonces: new NonceIssuer(randomBytes(32), nonceSettings(authConfig)),
    subscribers: subscribers.value,
    settings: authSettings(authConfig, []),
    failures: {},
  };
  const transport = new OfflineTransport();
  const t = transport as unknown as Transport;
  // What the server would log at warn and above (a trap, a refused relay) is part of what a case shows.
  const problems: string[] = [];
  const log = pino(
    { level: 'warn', base: undefined, timestamp: false },
    { write: (line: string) => problems.push(logLine(line)) },
  );
  const script = fixedScript('default', 1, runner.value, log);
  const router = new Router({
    transport: t,
    myself: new Myself(t, options.domains ?? []),
    selector: { select: () => script },
    log,
    defines: options.defines,
    location: { store: location.value, settings: () => DEFAULT_REGISTRAR, refused: {} },
    auth,
    // No name resolves offline: a relay to a host name fails as an unknown host would.
    resolve: async (host) => ({
      ok: false,
      error: { systemCode: 'ENOTFOUND', message: `${host}: no name resolution in a route test` },
    }),
  });

  return ok({
    async run(message, from = { proto: 'udp', ...TEST_SENDER }) {
      calls.length = 0;
      problems.length = 0;
      transport.sent.length = 0;
      router.receive(Buffer.from(wireFormat(message), 'latin1'), {
        proto: from.proto,
        remote: { address: from.address, port: from.port },
        local: TEST_SERVER,
      });
      // Relays resolve and send asynchronously: let them settle.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      const sent = [...transport.sent];
      // One message in: every response going out answers it (to its Via, as RFC 3261 18.2.2 says).
      const responses = sent.filter((s) => s.message instanceof SipResponse);
      return {
        calls: [...calls],
        problems: [...problems],
        reply: responses.at(-1)?.message as SipResponse | undefined,
        relayed: sent.filter((s) => !(s.message instanceof SipResponse)),
        sent,
      };
    },
    async close() {
      location.value.close();
      subscribers.value.close();
      await engine.close();
    },
  });
}

/** A pino JSON line as `message (key=value ...)`. */
function logLine(json: string): string {
  const { msg, level: _level, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const fields = Object.entries(rest).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return fields.length > 0 ? `${msg} (${fields.join(' ')})` : String(msg);
}

/**
 * CRLF line ends, and the empty line that ends the header when the text has none (YAML's `|` keeps only
 * one final line break, so a message without a body would otherwise lose it).
 */
export function wireFormat(message: string): string {
  const lines = message.replace(/\r?\n/g, '\n');
  const withEnd = /\n\n/.test(lines) ? lines : `${lines.replace(/\n*$/, '')}\n\n`;
  return withEnd.replace(/\n/g, '\r\n');
}

/** The server's KSR tables, each function recording its call and result in `calls`. */
function recordingTables(calls: string[]): KsrModule[] {
  return ksrModules.map((module) => ({
    name: module.name,
    functions: module.functions.map((fn) => ({
      ...fn,
      impl: (ctx: Parameters<typeof fn.impl>[0], ...args: unknown[]) => {
        // As scripts write them: KSR.sl.sl_send_reply, and core's functions without a module (KSR.is_method).
        const fnName = fn.name.replaceAll('-', '_');
        const name = module.name === 'core' ? fnName : `${module.name.replaceAll('-', '_')}.${fnName}`;
        const index = calls.push(`${name}(${args.map(show).join(', ')})`) - 1;
        const result = fn.impl(ctx, ...args);
        if (fn.result !== 'none') calls[index] += ` = ${show(result)}`;
        return result;
      },
    })),
  }));
}

/** Host strings are byte strings (one char per UTF-8 octet): shown as the text they encode. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(Buffer.from(value, 'latin1').toString('utf8'));
  return value === undefined ? 'none' : String(value);
}

/** The transport of a route test: local sockets 127.0.0.1:5060 (udp, tcp); every send succeeds and is kept. */
class OfflineTransport {
  readonly sent: SentMessage[] = [];
  readonly localAddresses = (['udp', 'tcp'] as const).map((proto) => ({
    proto,
    ...TEST_SERVER,
    family: 4 as const,
    spec: `${proto}:${TEST_SERVER.address}:${TEST_SERVER.port}`,
  }));

  isLocal(address: string, port?: number): boolean {
    return address === TEST_SERVER.address && (port === undefined || port === TEST_SERVER.port);
  }

  send(target: SendTarget, bytes: Buffer, done?: SendDone): void {
    const t = target as AddressTarget;
    const parsed = parseMessage(bytes);
    if (parsed.ok) {
      const text = bytes.toString('latin1');
      this.sent.push({
        to: { proto: t.proto, address: t.address, port: t.port },
        line: text.slice(0, text.indexOf('\r\n')),
        message: parsed.value,
      });
    }
    if (done === undefined) return;
    const result: SendResult = {
      ok: true,
      value: { proto: t.proto, local: TEST_SERVER, remote: { address: t.address, port: t.port } },
    };
    queueMicrotask(() => done(result)); // as the transport's: heard after send returned
  }
}
