// KSR rtpengine end to end: a real rtpengine (userspace forwarding, loopback, started here and stopped by
// PID) and a real `kemi-wasm serve` whose route calls rtpengine-manage in the request route and in the
// onreply route. A caller and a callee on raw UDP sockets (their media sockets on 127.0.0.2 and
// 127.0.0.3) make a call through the server: each side must see the other's SDP rewritten to rtpengine's
// address and ports, and RTP sent to those ports must reach the other side through rtpengine. The BYE
// deletes the call on the relay. A second server whose only instance is dead answers the call with the
// SDP untouched, after the client's retries.
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { type RunningRtpengine, startRtpengine } from '../../fixtures/rtpengine.ts';
import { freePort } from '../../fixtures/sipp.ts';
import { NG_DEFAULTS, NgClient } from '../../src/rtpengine/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { sleep, until } from './raw-peer.ts';
import { closeSockets, next, udpSocket } from './raw-sip.ts';

const FLAGS = 'replace-origin replace-session-connection trust-address ICE=remove RTP/AVP';

let engine: RunningRtpengine;
let server: ServerProcess;
let deadServer: ServerProcess;
let calleeSip: Socket & { port: number };
const media: Socket[] = [];

/** The route: rtpengine-manage, the onreply route set, relayed to the callee; onreply: rtpengine-manage. */
async function routeModule(dir: string, callee: number): Promise<string> {
  const g = new Guest();
  g.route(
    'request-route',
    `(drop ${g.call('tm', 't-on-reply', ['rtp'])})
     (drop ${g.call('rtpengine', 'rtpengine-manage', [FLAGS])})
     (drop ${g.call('core', 'setdsturi', [`sip:127.0.0.1:${callee}`])})
     (if (i32.lt_s ${g.call('tm', 't-relay', [])} (i32.const 0)) (then (drop ${g.call('sl', 'sl-reply-error', [])})))`,
  );
  g.route('named-route', `(drop ${g.call('rtpengine', 'rtpengine-manage', [FLAGS])})`);
  const wasm = join(dir, `rtp-${callee}.wasm`);
  writeFileSync(wasm, await g.component());
  return wasm;
}

async function startProxy(ngPort: number, callee: number): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-rtpengine-'));
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: ['udp:127.0.0.1:0'],
      log_level: 'info',
      rtpengine: {
        instances: [{ sock: `udp:127.0.0.1:${ngPort}`, weight: 1 }],
        tout_ms: 200,
        retr: 2,
        disable_tout: 0,
      },
      tenants: [
        {
          name: 'rtp',
          module: await routeModule(dir, callee),
          relay_allow: { cidrs: ['127.0.0.1/32'] },
        },
      ],
    }),
  );
  return startServerProcess(['--config', config]);
}

async function mediaSocket(address: string): Promise<Socket & { port: number }> {
  const socket = createSocket('udp4');
  media.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return Object.assign(socket, { port: socket.address().port });
}

function sdp(address: string, port: number): string {
  return [
    'v=0',
    `o=- 4711 1 IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    '',
  ].join('\r\n');
}

function withBody(head: string[], body: string): string {
  return [...head, 'Content-Type: application/sdp', `Content-Length: ${body.length}`, '', body].join('\r\n');
}

function invite(callId: string, sipPort: number, body: string): string {
  return withBody(
    [
      'INVITE sip:bob@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${sipPort};rport;branch=z9hG4bK-${callId}`,
      'Max-Forwards: 70',
      'From: <sip:alice@127.0.0.1>;tag=caller1',
      'To: <sip:bob@127.0.0.1>',
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:alice@127.0.0.1:${sipPort}>`,
    ],
    body,
  );
}

/** The callee's 200 to `request` (as received), with `body`. */
function ok200(request: string, body: string): string {
  const lines = request.split('\r\n');
  const copied = lines.filter((l) => /^(Via|From|Call-ID|CSeq):/i.test(l));
  const to = lines.find((l) => /^To:/i.test(l))!;
  return withBody(['SIP/2.0 200 OK', ...copied, `${to};tag=callee1`, 'Contact: <sip:bob@127.0.0.1>'], body);
}

function bye(callId: string, sipPort: number): string {
  return [
    'BYE sip:bob@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${sipPort};rport;branch=z9hG4bK-bye-${callId}`,
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=caller1',
    'To: <sip:bob@127.0.0.1>;tag=callee1',
    `Call-ID: ${callId}`,
    'CSeq: 2 BYE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
const connection = (body: string) => /c=IN IP4 (\S+)/.exec(body)?.[1];
const audioPort = (body: string) => Number(/m=audio (\d+)/.exec(body)?.[1]);

/** An RTP packet (PCMU, 20 ms) whose payload names `tag` and `seq`. */
function rtp(seq: number, tag: string): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 0;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(seq * 160, 4);
  header.writeUInt32BE(0x1234_5678, 8);
  return Buffer.concat([header, Buffer.from(`${tag}-${seq}`.padEnd(160, '.'), 'latin1')]);
}

/** Sends `count` RTP packets from `from` to 127.0.0.1:`port`, 20 ms apart; what `to` received of them. */
async function stream(from: Socket, port: number, to: Socket, tag: string, count = 10) {
  const received: { payload: string; port: number; address: string }[] = [];
  const on = (msg: Buffer, rinfo: { port: number; address: string }) => {
    const payload = msg.subarray(12).toString('latin1');
    if (payload.startsWith(`${tag}-`)) received.push({ payload, port: rinfo.port, address: rinfo.address });
  };
  to.on('message', on);
  for (let seq = 1; seq <= count; seq++) {
    from.send(rtp(seq, tag), port, '127.0.0.1');
    await sleep(20);
  }
  await sleep(300);
  to.off('message', on);
  return received;
}

beforeAll(async () => {
  engine = await startRtpengine();
  calleeSip = await udpSocket();
  server = await startProxy(engine.ngPort, calleeSip.port);
  deadServer = await startProxy(await freePort(), calleeSip.port);
});

afterAll(async () => {
  await server?.stop();
  await deadServer?.stop();
  await engine?.stop();
  closeSockets();
  for (const s of media) s.close();
});

describe('rtpengine through kemi-wasm serve', () => {
  it('rewrites both SDPs to rtpengine and RTP flows through it both ways; BYE deletes the call', async () => {
    const callId = `rtp-${Date.now()}`;
    const callerSip = await udpSocket();
    const callerRtp = await mediaSocket('127.0.0.2');
    const calleeRtp = await mediaSocket('127.0.0.3');

    const invited = next(calleeSip, (t) => t.startsWith('INVITE ') && t.includes(callId), 8000);
    callerSip.send(
      invite(callId, callerSip.port, sdp('127.0.0.2', callerRtp.port)),
      server.ports.udp!,
      '127.0.0.1',
    );
    const atCallee = await invited;
    expect(atCallee, 'the INVITE reached the callee').toBeDefined();
    const offered = bodyOf(atCallee!);
    expect(connection(offered)).toBe('127.0.0.1');
    expect(offered).toMatch(/o=- \S+ \S+ IN IP4 127\.0\.0\.1/);
    const towardCallee = audioPort(offered);
    expect(towardCallee).toBeGreaterThanOrEqual(engine.portMin);
    expect(towardCallee).toBeLessThanOrEqual(engine.portMax);
    expect(atCallee).toMatch(new RegExp(`Content-Length: ${offered.length}\\r\\n`));

    const answered = next(callerSip, (t) => t.startsWith('SIP/2.0 200') && t.includes(callId), 8000);
    calleeSip.send(ok200(atCallee!, sdp('127.0.0.3', calleeRtp.port)), server.ports.udp!, '127.0.0.1');
    const atCaller = await answered;
    expect(atCaller, 'the 200 reached the caller').toBeDefined();
    const answer = bodyOf(atCaller!);
    expect(connection(answer)).toBe('127.0.0.1');
    const towardCaller = audioPort(answer);
    expect(towardCaller).toBeGreaterThanOrEqual(engine.portMin);
    expect(towardCaller).toBeLessThanOrEqual(engine.portMax);
    expect(towardCaller).not.toBe(towardCallee);

    // Caller -> rtpengine (the port of the 200's SDP) -> callee's media socket, from the INVITE's port.
    const forward = await stream(callerRtp, towardCaller, calleeRtp, 'alice');
    expect(forward.length).toBeGreaterThanOrEqual(5);
    expect(forward[0]).toMatchObject({ address: '127.0.0.1', port: towardCallee });
    expect(forward.map((r) => r.payload.replace(/\.+$/, ''))).toContain('alice-10');
    // And back: callee -> the port of the INVITE's SDP -> caller.
    const back = await stream(calleeRtp, towardCallee, callerRtp, 'bob');
    expect(back.length).toBeGreaterThanOrEqual(5);
    expect(back[0]).toMatchObject({ address: '127.0.0.1', port: towardCaller });

    // BYE: rtpengine-manage deletes the call on the relay.
    const byed = next(calleeSip, (t) => t.startsWith('BYE ') && t.includes(callId), 8000);
    callerSip.send(bye(callId, callerSip.port), server.ports.udp!, '127.0.0.1');
    expect(await byed).toBeDefined();
    const client = new NgClient({
      ...NG_DEFAULTS,
      instances: [{ host: '127.0.0.1', port: engine.ngPort, weight: 1 }],
    });
    try {
      let query = await client.command(callId, { command: 'query', 'call-id': callId });
      for (let i = 0; i < 20 && query.ok; i++) {
        await sleep(100);
        query = await client.command(callId, { command: 'query', 'call-id': callId });
      }
      expect(query).toMatchObject({ ok: false, error: { code: 'error-reply' } });
    } finally {
      client.close();
    }
  });

  it('with its only instance dead, the call goes on with the SDP untouched after the retries', async () => {
    const callId = `rtp-dead-${Date.now()}`;
    const callerSip = await udpSocket();
    const original = sdp('127.0.0.2', 40_000);
    const invited = next(calleeSip, (t) => t.startsWith('INVITE ') && t.includes(callId), 8000);
    const sent = Date.now();
    callerSip.send(invite(callId, callerSip.port, original), deadServer.ports.udp!, '127.0.0.1');
    const atCallee = await invited;
    expect(atCallee, 'the INVITE reached the callee').toBeDefined();
    expect(bodyOf(atCallee!)).toBe(original);
    // Held for the two sends of 200 ms each before it went on unchanged.
    expect(Date.now() - sent).toBeGreaterThanOrEqual(350);
    // The log line travels through the server's stdout, the INVITE through UDP: either may arrive first.
    const logged = () =>
      deadServer.lines.some((l) => String(l.msg).includes('no rtpengine instance answered'));
    await until(logged, 2000);
    expect(logged()).toBe(true);
  });

  it('a CANCEL while the INVITE is held ends it with 487, and nothing reaches the callee', async () => {
    const callId = `rtp-cancel-${Date.now()}`;
    const callerSip = await udpSocket();
    const text = invite(callId, callerSip.port, sdp('127.0.0.2', 40_002));
    const reachedCallee = next(calleeSip, (t) => t.includes(callId), 1500);
    const terminated = next(callerSip, (t) => t.startsWith('SIP/2.0 487') && t.includes(callId), 5000);
    const cancelled = next(
      callerSip,
      (t) => t.startsWith('SIP/2.0 200') && t.includes('CSeq: 1 CANCEL'),
      5000,
    );
    callerSip.send(text, deadServer.ports.udp!, '127.0.0.1');
    await sleep(100);
    // The CANCEL matches the INVITE (same branch, Call-ID, From, CSeq number); the route relays it (t-relay).
    const cancel = text
      .replace(/^INVITE /, 'CANCEL ')
      .replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL')
      .replace(
        /Content-Type: application\/sdp\r\nContent-Length: \d+\r\n\r\n[\s\S]*$/,
        'Content-Length: 0\r\n\r\n',
      );
    callerSip.send(cancel, deadServer.ports.udp!, '127.0.0.1');
    expect(await cancelled, '200 to the CANCEL').toBeDefined();
    expect(await terminated, '487 to the INVITE').toBeDefined();
    expect(await reachedCallee).toBeUndefined();
  });
});
