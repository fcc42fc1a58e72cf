// The AssemblyScript port of Kamailio's basic KEMI script (guest-examples/assemblyscript/basic), built with
// the real builder and run by a real `kemi-wasm serve`, checked on a few of its routes over raw UDP: a
// scanner's request answered 200 and dropped (route REQINIT), the OPTIONS keepalive, REGISTER challenged
// without credentials and saved with them (routes AUTH and REGISTRAR; the subscriber provisioned with
// `kemi-wasm subscriber add`). The per-route suite against Kamailio and both ports is test/e2e/basic/.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge, parseChallenge } from '../../fixtures/digest-client.ts';
import { freePort } from '../../fixtures/sipp.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { closeSockets, next, udpSocket } from './raw-sip.ts';
import { OPERATOR_TOKEN, runCli } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-basic-as-'));
const DOMAIN = 'basic.test';

let server: ServerProcess | undefined;
let port: number;

beforeAll(async () => {
  const built = await buildGuest('guest-examples/assemblyscript/basic', { out: join(dir, 'basic.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  port = await freePort();
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [`udp:127.0.0.1:${port}`],
      domains: [DOMAIN],
      data_dir: join(dir, 'data'),
      log_level: 'info',
      admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
      auth: { algorithms: ['MD5'] },
      tenants: [{ name: 'basic', module: built.value.out, htables: { ipban: { autoexpire: 300 } } }],
    }),
  );
  server = await startServerProcess(['--config', config]);
  const adminUrl = String(server.lines.find((l) => l.msg === 'admin listening')?.url);
  const added = await runCli(['subscriber', 'add', `alice@${DOMAIN}`, '--password', 'alice-pw'], {
    KEMI_WASM_SERVER: adminUrl,
    KEMI_WASM_TOKEN: OPERATOR_TOKEN,
    KEMI_WASM_TENANT: 'basic',
  });
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
}, 180_000);

afterAll(async () => {
  closeSockets();
  if (server) expect(await server.stop()).toBe(0);
});

let seq = 0;

/** A request from the socket on `from`; a fresh Call-ID and branch each time. */
function sipRequest(
  method: string,
  uri: string,
  from: number,
  o: { user?: string; ua?: string; cseq?: number; callId?: string; extra?: string[] } = {},
): { text: string; callId: string } {
  seq++;
  const callId = o.callId ?? `basic-as-${seq}-${Math.random().toString(36).slice(2)}`;
  const user = o.user ?? 'alice';
  const cseq = o.cseq ?? 1;
  const text = [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${from};rport;branch=z9hG4bK-${callId}-${cseq}`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${DOMAIN}>;tag=t-${seq}`,
    `To: <sip:${method === 'REGISTER' ? user : 'bob'}@${DOMAIN}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
    `Contact: <sip:${user}@127.0.0.1:${from}>`,
    ...(o.ua ? [`User-Agent: ${o.ua}`] : []),
    ...(method === 'REGISTER' ? ['Expires: 60'] : []),
    ...(o.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { text, callId };
}

const statusLine = (text: string | undefined) => text?.split('\r\n')[0];
const header = (text: string, name: string) =>
  text
    .split('\r\n')
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(name.length + 1).trim());

/** Sends `text` from `socket` and returns every reply to its Call-ID within `ms`. */
async function exchange(
  socket: Awaited<ReturnType<typeof udpSocket>>,
  text: string,
  callId: string,
  ms = 1500,
) {
  const replies: string[] = [];
  const on = (msg: Buffer) => {
    const t = msg.toString('latin1');
    if (t.startsWith('SIP/2.0 ') && t.includes(`Call-ID: ${callId}`)) replies.push(t);
  };
  socket.on('message', on);
  socket.send(text, port, '127.0.0.1');
  await new Promise((resolve) => setTimeout(resolve, ms));
  socket.off('message', on);
  return replies;
}

describe('the AssemblyScript port of the basic KEMI script', () => {
  it('REQINIT: a scanner (User-Agent "friendly-scanner") gets 200 OK and nothing else', async () => {
    const socket = await udpSocket();
    const { text, callId } = sipRequest('INVITE', `sip:bob@${DOMAIN}`, socket.port, {
      ua: 'friendly-scanner',
    });
    const replies = await exchange(socket, text, callId);
    expect(replies.map(statusLine)).toEqual(['SIP/2.0 200 OK']);
    // The same INVITE from a phone is challenged (AUTH: From is a local user): the scanner branch decided.
    const phone = sipRequest('INVITE', `sip:bob@${DOMAIN}`, socket.port, { ua: 'phone/1.0' });
    expect((await exchange(socket, phone.text, phone.callId)).map(statusLine)).toEqual([
      'SIP/2.0 407 Proxy Authentication Required',
    ]);
  });

  it('REQINIT: OPTIONS to the server itself without user is the 200 Keepalive', async () => {
    const socket = await udpSocket();
    const { text, callId } = sipRequest('OPTIONS', `sip:${DOMAIN}`, socket.port);
    const replies = await exchange(socket, text, callId);
    expect(replies.map(statusLine)).toEqual(['SIP/2.0 200 Keepalive']);
  });

  it('AUTH and REGISTRAR: REGISTER without credentials is challenged 401, with them saved 200', async () => {
    const socket = await udpSocket();
    const callId = `basic-as-reg-${Math.random().toString(36).slice(2)}`;
    const first = sipRequest('REGISTER', `sip:${DOMAIN}`, socket.port, { callId, cseq: 1 });
    const challengeReply = next(
      socket,
      (t) => t.startsWith('SIP/2.0 401 ') && t.includes('CSeq: 1 REGISTER'),
    );
    socket.send(first.text, port, '127.0.0.1');
    const challenged = await challengeReply;
    expect(statusLine(challenged)).toBe('SIP/2.0 401 Unauthorized');
    const [www] = header(challenged!, 'WWW-Authenticate');
    const challenge = parseChallenge(www);
    expect(challenge.realm).toBe(DOMAIN); // the From host (auth_challenge(KSR.kx.gete_fhost(), 0))
    expect(challenge.qop).toBeUndefined(); // flags 0: no qop

    const authorization = answerChallenge(challenge, {
      username: 'alice',
      password: 'alice-pw',
      method: 'REGISTER',
      uri: `sip:${DOMAIN}`,
    });
    const second = sipRequest('REGISTER', `sip:${DOMAIN}`, socket.port, {
      callId,
      cseq: 2,
      extra: [`Authorization: ${authorization}`],
    });
    const savedReply = next(socket, (t) => /^SIP\/2\.0 [2-6]\d\d /.test(t) && t.includes('CSeq: 2 REGISTER'));
    socket.send(second.text, port, '127.0.0.1');
    const saved = await savedReply;
    expect(statusLine(saved)).toBe('SIP/2.0 200 OK');
    expect(header(saved!, 'Contact').join(',')).toContain(`sip:alice@127.0.0.1:${socket.port}`);
  });
});
