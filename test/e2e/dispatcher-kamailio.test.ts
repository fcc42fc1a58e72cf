// The hash algorithms of KSR dispatcher against Kamailio 5.6 itself: a real `kamailio` (installed) loads
// the same destination list and answers each INVITE with the destination its ds_select_dst picked ($du as
// the reason phrase); kemi-wasm's selection for the same message must be the same destination, for Call-ID
// (0), From URI (1), To URI (2) and R-URI (3) hashes over varied values (bytes above 127 included: Kamailio hashes
// signed chars) and for the first round-robin pick (Kamailio's set order: equal priorities, last line
// first). Kamailio runs on an ephemeral port and is stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { type DispatcherSettings, TenantDispatcher } from '../../src/dispatcher/tenant-dispatcher.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-ds-kamailio-'));
const DESTINATIONS = [
  'sip:10.0.0.11:5060',
  'sip:10.0.0.12:5060',
  'sip:10.0.0.13:5080',
  'sip:gw.example.com',
  'sip:10.0.0.15',
  'sip:10.0.0.16;transport=tcp',
  'sip:10.0.0.17:5090',
];
const SETTINGS: DispatcherSettings = {
  flags: 2,
  forceDst: true,
  probingMode: 0,
  probingThreshold: 1,
  inactiveThreshold: 1,
  replyCodes: [],
  pingMethod: 'OPTIONS',
  pingFrom: 'sip:dispatcher@localhost',
  loadExpireMs: 1000,
  loadInitExpireMs: 1000,
  maxCalls: 10,
};

let kamailio: ChildProcess | undefined;
let output = '';
let port: number;
let socket: Socket;

interface Sample {
  readonly alg: number;
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  /** The R-URI (algorithm 3); this Kamailio's own address when absent. */
  readonly ruri?: string;
}

/** Kamailio's choice for `sample`: the reason phrase of its reply. */
async function kamailioPick(sample: Sample): Promise<string> {
  const own = socket.address().port;
  const text = [
    `INVITE ${sample.ruri ?? `sip:x@127.0.0.1:${port}`} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${own};branch=z9hG4bK${Math.random().toString(16).slice(2)}`,
    'Max-Forwards: 70',
    `From: <${sample.from}>;tag=1`,
    `To: <${sample.to}>`,
    `Call-ID: ${sample.callId}`,
    'CSeq: 1 INVITE',
    `X-Alg: ${sample.alg}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const reply = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply from kamailio: ${output}`)), 3000);
    socket.once('message', (m) => {
      clearTimeout(timer);
      resolve(/^SIP\/2\.0 \d+ (.*)$/m.exec(m.toString('latin1'))?.[1] ?? '');
    });
  });
  socket.send(Buffer.from(text, 'latin1'), port, '127.0.0.1');
  return reply;
}

function ourPick(t: TenantDispatcher, sample: Sample): string {
  const r = t.select(1, sample.alg, 0, 'dst-uri', {
    callId: sample.callId,
    fromUri: sample.from,
    toUri: sample.to,
    ruri: sample.ruri ?? `sip:x@127.0.0.1:${port}`,
    isInvite: true,
    dstUriSet: false,
  });
  return r.ok ? r.chosen.uri : r.why;
}

beforeAll(async () => {
  port = await freePort();
  const list = join(dir, 'dispatcher.list');
  writeFileSync(list, `${DESTINATIONS.map((uri) => `1 ${uri} 0 0`).join('\n')}\n`);
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    [
      '#!KAMAILIO',
      'debug=1',
      'log_stderror=yes',
      'children=1',
      `listen=udp:127.0.0.1:${port}`,
      'loadmodule "tm.so"',
      'loadmodule "sl.so"',
      'loadmodule "pv.so"',
      'loadmodule "dispatcher.so"',
      `modparam("dispatcher", "list_file", "${list}")`,
      'modparam("dispatcher", "ds_dns_mode", 0)',
      'modparam("dispatcher", "flags", 2)',
      'request_route {',
      '  $var(alg) = $(hdr(X-Alg){s.int});',
      '  if (ds_select_dst("1", "$var(alg)")) { sl_send_reply("200", "$du"); }',
      '  else { sl_send_reply("404", "none"); }',
      '  exit;',
      '}',
    ].join('\n'),
  );
  kamailio = spawn('kamailio', ['-f', cfg, '-DD', '-E', '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  kamailio.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  // Ready once it answers.
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      await kamailioPick({ alg: 8, callId: 'ready', from: 'sip:a@b', to: 'sip:c@d' });
      break;
    } catch (error) {
      if (Date.now() > end) throw error;
    }
  }
}, 30_000);

afterAll(async () => {
  socket?.close();
  if (kamailio && kamailio.exitCode === null) {
    const exited = new Promise((resolve) => kamailio!.once('exit', resolve));
    kamailio.kill('SIGTERM');
    await exited;
  }
});

describe('dispatcher hashes as Kamailio 5.6 computes them', () => {
  const high = (i: number) => String.fromCharCode(0xc3, 0xa9 + (i % 10), 0x80 + i);
  const samples: Sample[] = [];
  for (let i = 0; i < 30; i++)
    samples.push({
      alg: 0,
      callId: `${i.toString(36)}-${(i * 7919).toString(16)}@host${i}${i % 4 === 0 ? high(i) : ''}`,
      from: 'sip:a@b',
      to: 'sip:c@d',
    });
  for (let i = 0; i < 20; i++)
    samples.push({
      alg: 1,
      callId: `f${i}`,
      from: `sip:user${i * 13}@dom${i % 3}.example${i % 2 ? ':5070' : ''}`,
      to: 'sip:c@d',
    });
  for (let i = 0; i < 20; i++)
    samples.push({
      alg: 2,
      callId: `t${i}`,
      from: 'sip:a@b',
      to: `sip:${i % 5 ? `callee${i}@` : ''}to${i}.example`,
    });
  for (let i = 0; i < 15; i++)
    samples.push({
      alg: 3,
      callId: `r${i}`,
      from: 'sip:a@b',
      to: 'sip:c@d',
      ruri: `sip:dial${i * 31}@127.0.0.1:${i % 3 === 0 ? 5060 : 5070 + i}`,
    });

  it('picks the same destination for every Call-ID, From and To sample', async () => {
    const t = new TenantDispatcher('k', SETTINGS, () => {});
    t.load(DESTINATIONS.map((uri) => ({ set: 1, uri, flags: 0, priority: 0, attrs: '' })));
    const theirs: string[] = [];
    for (const s of samples) theirs.push(await kamailioPick(s));
    expect(samples.map((s) => ourPick(t, s))).toEqual(theirs);
    expect(new Set(theirs).size).toBeGreaterThan(3);
  }, 60_000);

  it('orders the set as Kamailio: the first round-robin pick is the last line', async () => {
    const t = new TenantDispatcher('k', SETTINGS, () => {});
    t.load(DESTINATIONS.map((uri) => ({ set: 1, uri, flags: 0, priority: 0, attrs: '' })));
    const sample = { alg: 4, callId: 'rr', from: 'sip:a@b', to: 'sip:c@d' };
    expect(ourPick(t, sample)).toBe(await kamailioPick(sample));
    expect(ourPick(t, sample)).toBe(await kamailioPick(sample));
  }, 30_000);
});
