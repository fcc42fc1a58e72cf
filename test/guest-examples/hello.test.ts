// The hello example in AssemblyScript, Rust and JavaScript: all build into components of the script world,
// and their core modules (for JavaScript, StarlingMonkey's), run against a stub host, make the same KSR
// calls for the same messages.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notingHost } from '../../bench/noting-host.ts';
import { componentShape } from '../../src/builder/check-component.ts';
import { buildGuest } from '../../src/builder/index.ts';
import type { BuiltGuest } from '../../src/builder/types.ts';
import { ksrModules, RouteContext } from '../../src/kemi/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { createRunner, Engine, Linker } from '../../src/runtime/index.ts';
import { JS_COLD_DEADLINE_MS, MAX_WARM_KINDS } from '../../src/runtime/runner.ts';
import { parseMessage, type SipRequest } from '../../src/sip/index.ts';
import { type Guest, instantiateGuest, type Responder } from './stub-host.ts';

const LANGUAGES = ['assemblyscript', 'rust', 'javascript'] as const;
type Language = (typeof LANGUAGES)[number];
const FOLDER: Record<Language, string> = { assemblyscript: 'assemblyscript', rust: 'rust', javascript: 'js' };
const exampleDir = (language: Language) =>
  fileURLToPath(new URL(`../../guest-examples/${FOLDER[language]}/hello`, import.meta.url));

const built = {} as Record<Language, BuiltGuest>;
let outDir = '';

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kemi-hello-'));
  for (const language of LANGUAGES) {
    const result = await buildGuest(exampleDir(language), { out: join(outDir, `${language}.wasm`) });
    if (!result.ok) throw new Error(`${language}: ${result.error.message}\n${result.error.output ?? ''}`);
    built[language] = result.value;
  }
}, 240_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** A message as the stub host sees it: pseudo-variables plus the answers of the checks. */
interface Message {
  readonly pv: Readonly<Record<string, string | Uint8Array | undefined>>;
  readonly myself?: boolean;
  readonly maxForwards?: number;
  readonly sane?: boolean;
}

function responder(msg: Message): Responder {
  return (fn, args) => {
    const name = String(args[0]);
    switch (fn) {
      case 'pv.get':
        return msg.pv[name];
      case 'pv.gete':
        return msg.pv[name] ?? '';
      case 'pv.getvs':
        return msg.pv[name] ?? String(args[1]);
      case 'pv.getvn': {
        const value = msg.pv[name];
        return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number(args[1]);
      }
      case 'core.is-method':
        return msg.pv.$rm === name;
      case 'core.is-myself-ruri':
        return msg.myself ?? false;
      case 'sanity.sanity-check':
        return (msg.sane ?? true) ? 1 : -1;
      case 'maxfwd.process-maxfwd':
        return msg.maxForwards === undefined ? 2 : msg.maxForwards > 0 ? 1 : -1;
      default:
        return undefined;
    }
  };
}

function run(language: Language, msg: Message, route: (guest: Guest) => void): string[] {
  const guest = instantiateGuest(built[language].core, responder(msg));
  route(guest);
  return guest.calls;
}

const OPTIONS = [
  'OPTIONS sip:127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-hello;rport',
  'Max-Forwards: 70',
  'From: <sip:alice@example.org>;tag=a1',
  'To: <sip:127.0.0.1>',
  'Call-ID: hello-1@192.0.2.10',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

/** A context for an OPTIONS to the server (or `text`), on a host that records replies instead of sending them. */
function optionsContext(text = OPTIONS): RouteContext {
  const parsed = parseMessage(text);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  const source = {
    proto: 'udp',
    remote: { address: '192.0.2.10', port: 5062 },
    local: { address: '127.0.0.1', port: 5060 },
  } as const;
  return new RouteContext('request', parsed.value as SipRequest, source, notingHost, silentLogger);
}

const LOG_LINE = 'xlog.xinfo("request $rm $ru from $si:$sp call-id $ci")';
const CHECKS = [LOG_LINE, 'sanity.sanity-check(17895, 7)', 'maxfwd.process-maxfwd(10)'];

const requests: { name: string; msg: Message; calls: string[] }[] = [
  {
    name: 'keepalive OPTIONS to the server itself',
    msg: { pv: { $rm: 'OPTIONS', $ru: 'sip:192.0.2.1:5060' }, myself: true, maxForwards: 70 },
    calls: [
      ...CHECKS,
      'core.is-method("OPTIONS")',
      'core.is-myself-ruri()',
      'pv.get("$rU")',
      'sl.sl-send-reply(200, "OK")',
      'x.exit()',
    ],
  },
  {
    name: 'a generic INVITE',
    msg: { pv: { $rm: 'INVITE', $ru: 'sip:bob@example.com', $rU: 'bob' }, maxForwards: 70 },
    calls: [...CHECKS, 'core.is-method("OPTIONS")', 'sl.sl-send-reply(404, "Not Found")'],
  },
  {
    name: 'Max-Forwards 0',
    msg: { pv: { $rm: 'INVITE', $ru: 'sip:bob@example.com', $rU: 'bob' }, maxForwards: 0 },
    calls: [...CHECKS, 'sl.sl-send-reply(483, "Too Many Hops")', 'x.exit()'],
  },
  {
    name: 'OPTIONS to a user at the server',
    msg: { pv: { $rm: 'OPTIONS', $ru: 'sip:alice@192.0.2.1', $rU: 'alice' }, myself: true, maxForwards: 70 },
    calls: [
      ...CHECKS,
      'core.is-method("OPTIONS")',
      'core.is-myself-ruri()',
      'pv.get("$rU")',
      'sl.sl-send-reply(404, "Not Found")',
    ],
  },
  {
    name: 'a request that fails the sanity checks',
    msg: { pv: { $rm: 'INVITE' }, sane: false },
    calls: [LOG_LINE, 'sanity.sanity-check(17895, 7)', 'x.exit()'],
  },
];

describe.each(LANGUAGES)('hello in %s', (language) => {
  it('builds a component that imports only kemi:ksr interfaces and exports the three routes', async () => {
    const result = built[language];
    // Buffer.equals: a deep equality of a 12 MB JavaScript component takes minutes.
    expect(readFileSync(result.out).equals(result.component)).toBe(true);
    const shape = await componentShape(result.component);
    expect(shape.imports.length).toBeGreaterThan(0);
    for (const name of shape.imports) expect(name).toMatch(/^kemi:ksr\/[a-z-]+@0\.1\.0$/);
    expect([...shape.exports].sort()).toEqual(['named-route', 'reply-route', 'request-route']);
  }, 120_000);

  it.each(requests)('request-route: $name', ({ msg, calls }) => {
    expect(run(language, msg, (g) => g.requestRoute())).toEqual(calls);
  });

  it('reply-route logs status, reason and Call-ID read through pv', () => {
    const msg = { pv: { $rs: '200', $rr: 'OK', $ci: 'a84b4c76e66710@pc33' } };
    expect(run(language, msg, (g) => g.replyRoute())).toEqual([
      'pv.getvn("$rs", 0)',
      'pv.gete("$rr")',
      'pv.getvs("$ci", "-")',
      'core.info("reply 200 OK call-id a84b4c76e66710@pc33")',
    ]);
  });

  it('named-route logs the name it was called with', () => {
    expect(run(language, { pv: {} }, (g) => g.namedRoute('ksr_failure_manage'))).toEqual([
      'core.info("named route ksr_failure_manage")',
    ]);
  });

  it('keeps non-ASCII text intact and turns bytes that are not UTF-8 into U+FFFD as WHATWG does', () => {
    // Invalid lead byte, truncated 3-byte sequence, a 4-byte character, a surrogate, an overlong form,
    // a code point above U+10FFFF and a truncated sequence at the end.
    const raw = Uint8Array.from([
      0x66, 0xff, 0x6f, 0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90,
      0x80, 0x80, 0xc3, 0xa9, 0xe2, 0x82,
    ]);
    const expected = new TextDecoder().decode(raw);
    expect(expected).toContain('\u{1F600}');
    const msg = { pv: { $rs: '404', $rr: raw, $ci: 'caf\u00e9-\u{1F600}' } };
    expect(run(language, msg, (g) => g.replyRoute()).at(-1)).toBe(
      `core.info(${JSON.stringify(`reply 404 ${expected} call-id caf\u00e9-\u{1F600}`)})`,
    );
    expect(run(language, { pv: {} }, (g) => g.namedRoute(raw))).toEqual([
      `core.info(${JSON.stringify(`named route ${expected}`)})`,
    ]);
  });
});

// componentize-js guests keep a few hundred bytes per call (see RETIRE_AT in src/runtime/runner.ts): the
// memory test is for the compiled languages, and the runtime test below covers JavaScript.
describe.each(['assemblyscript', 'rust'] as const)('hello in %s', (language) => {
  it('does not grow its memory over thousands of messages on one instance', () => {
    const msg = responder({
      pv: { $rm: 'OPTIONS', $rs: '200', $rr: 'OK', $ci: 'x'.repeat(200) },
      myself: true,
    });
    const guest = instantiateGuest(built[language].core, msg);
    const round = () => {
      guest.requestRoute();
      guest.replyRoute();
      guest.namedRoute('ksr_failure_manage');
      guest.calls.length = 0;
    };
    for (let i = 0; i < 500; i++) round();
    const warm = guest.memoryBytes();
    for (let i = 0; i < 5000; i++) round();
    expect(guest.memoryBytes()).toBe(warm);
  });
});

describe('hello in javascript on the runtime', () => {
  it('serves 25 000 messages under a 16 MiB memory cap without a failure: instances near the cap are retired', async () => {
    const engine = new Engine();
    try {
      const compiled = await engine.compile(built.javascript.component, {
        limits: { maxMemoryBytes: 16 * 1024 * 1024 },
      });
      if (!compiled.ok) throw new Error(compiled.error.message);
      const linked = createRunner(compiled.value, new Linker(ksrModules), {
        limits: { deadlineMs: 2000, jsDeadlineMs: 2000 },
      });
      if (!linked.ok) throw new Error(linked.error.message);
      const runner = linked.value;
      const failures: string[] = [];
      for (let i = 0; i < 25_000; i++) {
        const outcome = runner.invoke('request-route', optionsContext());
        if (!outcome.ok) failures.push(outcome.error.message);
      }
      expect(failures).toEqual([]);
      expect(runner.stats.retired).toBeGreaterThanOrEqual(1);
    } finally {
      engine.close();
    }
  }, 300_000);
});

describe('hello in javascript: cold paths', () => {
  /** An OPTIONS made into another method, optionally in a dialog (a To tag). */
  const message = (method: string, toTag = '') =>
    OPTIONS.replace(/^OPTIONS/, method)
      .replace('CSeq: 1 OPTIONS', `CSeq: 1 ${method}`)
      .replace('To: <sip:127.0.0.1>', `To: <sip:127.0.0.1>${toTag}`);

  it('a new instance runs the first message of each kind under the cold deadline, then the JavaScript deadline', async () => {
    const engine = new Engine();
    try {
      const compiled = await engine.compile(built.javascript.component);
      if (!compiled.ok) throw new Error(compiled.error.message);
      const linked = createRunner(compiled.value, new Linker(ksrModules), {
        limits: { deadlineMs: 20, jsDeadlineMs: 40 },
      });
      if (!linked.ok) throw new Error(linked.error.message);
      const runner = linked.value;
      const deadlines: [string, number][] = [];
      const send = (label: string, text: string) => {
        const outcome = runner.invoke('request-route', optionsContext(text));
        if (!outcome.ok) throw new Error(outcome.error.message);
        deadlines.push([label, runner.last.deadlineMs]);
      };
      send('OPTIONS', OPTIONS);
      send('OPTIONS again', OPTIONS);
      send('INVITE', message('INVITE'));
      send('INVITE again', message('INVITE'));
      send('BYE in a dialog', message('BYE', ';tag=b1'));
      send('BYE in a dialog again', message('BYE', ';tag=b2'));
      send('FOO', message('FOO'));
      send('BAR (another unknown method)', message('BAR'));
      expect(deadlines).toEqual([
        ['OPTIONS', JS_COLD_DEADLINE_MS],
        ['OPTIONS again', 40],
        ['INVITE', JS_COLD_DEADLINE_MS],
        ['INVITE again', 40],
        ['BYE in a dialog', JS_COLD_DEADLINE_MS],
        ['BYE in a dialog again', 40],
        ['FOO', JS_COLD_DEADLINE_MS],
        ['BAR (another unknown method)', 40],
      ]);
      // A fresh instance (after a failure or a retirement) is cold again.
      runner.reset();
      send('INVITE on a new instance', message('INVITE'));
      expect(deadlines.at(-1)).toEqual(['INVITE on a new instance', JS_COLD_DEADLINE_MS]);
      // Named routes are kinds of their own; their number is bounded.
      for (let i = 0; i < MAX_WARM_KINDS + 10; i++) runner.invoke('named-route', optionsContext(), `r${i}`);
      runner.invoke('named-route', optionsContext(), 'one more');
      expect(runner.last.deadlineMs).toBe(40);
    } finally {
      engine.close();
    }
  }, 120_000);
});

it('the AssemblyScript, Rust and JavaScript examples make identical KSR calls', () => {
  for (const { msg } of requests) {
    const calls = run('assemblyscript', msg, (g) => g.requestRoute());
    expect(run('rust', msg, (g) => g.requestRoute())).toEqual(calls);
    expect(run('javascript', msg, (g) => g.requestRoute())).toEqual(calls);
  }
});
