// KSR rtpengine against a real rtpengine: return codes, the command rtpengine-manage picks, and the SDP
// that lands in the held message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRtpengine, startRtpengine } from '../../fixtures/rtpengine.ts';
import { rtpengine } from '../../src/kemi/rtpengine.ts';
import { NG_DEFAULTS, NgClient } from '../../src/rtpengine/index.ts';
import { heldUntil } from '../../src/sip/index.ts';
import { call, contextFor } from './fixture.ts';

const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 6000 RTP/AVP 0',
  '',
].join('\r\n');

function message(start: string, callId: string, cseq: string, body = '', toTag = '') {
  return [
    start,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-kemi1',
    'From: <sip:alice@example.com>;tag=f1',
    `To: <sip:bob@example.com>${toTag}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

let engine: RunningRtpengine;
let client: NgClient;
beforeAll(async () => {
  engine = await startRtpengine();
  client = new NgClient({
    ...NG_DEFAULTS,
    instances: [{ host: '127.0.0.1', port: engine.ngPort, weight: 1 }],
  });
});
afterAll(async () => {
  client?.close();
  await engine?.stop();
});

const host = () => ({ rtpengine: { client, failed: {} as Record<string, number> } });

describe('KSR rtpengine', () => {
  it('rtpengine-manage offers an INVITE, answers its 200 and deletes on BYE; the SDPs land in the messages', async () => {
    const callId = `ksr-${Math.random()}`;
    const { ctx } = contextFor(
      message('INVITE sip:bob@example.com SIP/2.0', callId, '1 INVITE', SDP),
      'request',
      undefined,
      host(),
    );
    expect(call(rtpengine, 'rtpengine-manage', ctx, 'replace-origin replace-session-connection')).toBe(1);
    const held = heldUntil(ctx.msg);
    expect(held).toBeDefined();
    await held;
    expect(ctx.msg.body).toMatch(/c=IN IP4 127\.0\.0\.1/);
    expect(ctx.msg.get('content-length')).toBe(String(ctx.msg.body.length));

    const reply = contextFor(
      message('SIP/2.0 200 OK', callId, '1 INVITE', SDP, ';tag=t1'),
      'onreply',
      undefined,
      host(),
    );
    expect(call(rtpengine, 'rtpengine-manage', reply.ctx, '')).toBe(1);
    await heldUntil(reply.ctx.msg);
    expect(reply.ctx.msg.body).toMatch(/c=IN IP4 127\.0\.0\.1/);

    const bye = contextFor(
      message('BYE sip:bob@example.com SIP/2.0', callId, '2 BYE', '', ';tag=t1'),
      'request',
      undefined,
      host(),
    );
    expect(call(rtpengine, 'rtpengine-manage', bye.ctx, '')).toBe(1);
    expect(heldUntil(bye.ctx.msg)).toBeUndefined();
  });

  it('answers -1 without SDP, with bad flags, without instances, and for a message manage has nothing for', () => {
    const noSdp = contextFor(
      message('INVITE sip:bob@example.com SIP/2.0', 'c1', '1 INVITE'),
      'request',
      undefined,
      host(),
    );
    expect(call(rtpengine, 'rtpengine-offer', noSdp.ctx, '')).toBe(-1);
    expect(call(rtpengine, 'rtpengine-manage', noSdp.ctx, '')).toBe(-1);
    const withSdp = () =>
      contextFor(
        message('INVITE sip:bob@example.com SIP/2.0', 'c2', '1 INVITE', SDP),
        'request',
        undefined,
        host(),
      ).ctx;
    expect(call(rtpengine, 'rtpengine-offer', withSdp(), 'ICE=')).toBe(-1);
    const bare = contextFor(message('INVITE sip:bob@example.com SIP/2.0', 'c3', '1 INVITE', SDP));
    expect(call(rtpengine, 'rtpengine-offer', bare.ctx, '')).toBe(-1);
    const options = contextFor(
      message('OPTIONS sip:bob@example.com SIP/2.0', 'c4', '1 OPTIONS'),
      'request',
      undefined,
      host(),
    );
    expect(call(rtpengine, 'rtpengine-manage', options.ctx, '')).toBe(-1);
  });
});
