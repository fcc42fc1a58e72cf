// The ng client against a real rtpengine (fixtures/rtpengine.ts starts it on loopback).
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRtpengine, startRtpengine } from '../../fixtures/rtpengine.ts';
import { freePort } from '../../fixtures/sipp.ts';
import { NG_DEFAULTS, NgClient, type NgInstance } from '../../src/rtpengine/ng-client.ts';

function sdp(port: number, session = '1'): string {
  return [
    'v=0',
    `o=- ${session} 1 IN IP4 192.0.2.10`,
    's=-',
    'c=IN IP4 192.0.2.10',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    '',
  ].join('\r\n');
}

let engine: RunningRtpengine;
beforeAll(async () => {
  engine = await startRtpengine();
});
afterAll(async () => {
  await engine?.stop();
});

const live = (): NgInstance => ({ host: '127.0.0.1', port: engine.ngPort, weight: 1 });

describe('NgClient against rtpengine', () => {
  it('offers, answers, queries and deletes a call; the SDP is rewritten to rtpengine', async () => {
    const client = new NgClient({ ...NG_DEFAULTS, instances: [live()] });
    try {
      const callId = `ng-${Math.random()}`;
      const offer = await client.command(callId, {
        command: 'offer',
        'call-id': callId,
        'from-tag': 'a1',
        sdp: sdp(6000),
        replace: ['origin', 'session-connection'],
      });
      expect(offer.ok, JSON.stringify(offer)).toBe(true);
      if (!offer.ok) return;
      const offered = String(offer.value.sdp);
      expect(offered).toMatch(/c=IN IP4 127\.0\.0\.1/);
      const port = Number(/m=audio (\d+)/.exec(offered)?.[1]);
      expect(port).toBeGreaterThanOrEqual(engine.portMin);
      expect(port).toBeLessThanOrEqual(engine.portMax);

      const answer = await client.command(callId, {
        command: 'answer',
        'call-id': callId,
        'from-tag': 'a1',
        'to-tag': 'b2',
        sdp: sdp(7000, '2'),
      });
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      if (answer.ok) expect(String(answer.value.sdp)).toMatch(/c=IN IP4 127\.0\.0\.1/);

      const query = await client.command(callId, { command: 'query', 'call-id': callId });
      expect(query).toMatchObject({ ok: true, value: { result: 'ok' } });

      const deleted = await client.command(callId, {
        command: 'delete',
        'call-id': callId,
        'from-tag': 'a1',
      });
      expect(deleted).toMatchObject({ ok: true, value: { result: 'ok' } });
      const gone = await client.command(callId, { command: 'query', 'call-id': callId });
      expect(gone).toMatchObject({ ok: false, error: { code: 'error-reply' } });
    } finally {
      client.close();
    }
  });

  it('gives up on a dead instance after retr sends, disables it and fails over to the next', async () => {
    // A socket that takes the commands and never answers: the first instance is dead but reachable.
    const dead: Socket = createSocket('udp4');
    const deadPort = await freePort();
    await new Promise<void>((resolve) => dead.bind(deadPort, '127.0.0.1', resolve));
    let received = 0;
    dead.on('message', () => received++);
    const deadInstance: NgInstance = { host: '127.0.0.1', port: deadPort, weight: 1_000_000 };
    const client = new NgClient({
      ...NG_DEFAULTS,
      toutMs: 100,
      retr: 3,
      disableToutS: 60,
      instances: [deadInstance, live()],
    });
    try {
      const callId = `failover-${Math.random()}`;
      const offer = await client.command(callId, {
        command: 'offer',
        'call-id': callId,
        'from-tag': 'a1',
        sdp: sdp(6002),
      });
      expect(offer.ok, JSON.stringify(offer)).toBe(true);
      expect(received).toBe(3);
      expect(client.disabled(deadInstance)).toBe(true);
      // Disabled: the next command goes straight to the live instance, the dead one sees nothing more.
      const ping = await client.command('other', { command: 'ping' });
      expect(ping).toMatchObject({ ok: true, value: { result: 'pong' } });
      expect(received).toBe(3);
    } finally {
      client.close();
      dead.close();
    }
  });

  it('fails with no-instance when every instance is dead', async () => {
    const deadPort = await freePort();
    const client = new NgClient({
      ...NG_DEFAULTS,
      toutMs: 50,
      retr: 2,
      instances: [{ host: '127.0.0.1', port: deadPort, weight: 1 }],
    });
    try {
      const outcome = await client.command('x', { command: 'ping' });
      expect(outcome).toMatchObject({ ok: false, error: { code: 'no-instance' } });
      const again = await client.command('x', { command: 'ping' });
      expect(again).toMatchObject({ ok: false, error: { message: 'no rtpengine instance is enabled' } });
    } finally {
      client.close();
    }
  });
});
