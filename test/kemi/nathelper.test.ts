// KSR nathelper against Kamailio 5.6's documented behaviour: nat_uac_test's bits, the Contact rewrites
// (fix_nated_contact, set/add_contact_alias, add_rcv_param) done once per message, handle_ruri_alias,
// is_rfc1918's nets, fix_nated_register's received AVP and fix_nated_sdp's modes.
import { describe, expect, it } from 'vitest';
import { nathelper } from '../../src/kemi/nathelper.ts';
import type { Source } from '../../src/transport/index.ts';
import { call, contextFor } from './fixture.ts';

const NATED: Source = {
  proto: 'udp',
  remote: { address: '198.51.100.7', port: 40_123 },
  local: { address: '127.0.0.1', port: 5060 },
};

function request(
  opts: { contact?: string; via?: string; body?: string; method?: string; uri?: string } = {},
) {
  const body = opts.body ?? '';
  return [
    `${opts.method ?? 'INVITE'} ${opts.uri ?? 'sip:bob@example.com'} SIP/2.0`,
    `Via: ${opts.via ?? 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-1;rport'}`,
    'From: <sip:alice@example.org>;tag=ft1',
    'To: <sip:bob@example.com>',
    'Call-ID: nat-1',
    `CSeq: 1 ${opts.method ?? 'INVITE'}`,
    ...(opts.contact === undefined ? [] : [`Contact: ${opts.contact}`]),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

const SDP = [
  'v=0',
  'o=alice 1 1 IN IP4 10.0.0.5',
  's=-',
  'c=IN IP4 10.0.0.5',
  't=0 0',
  'm=audio 4000 RTP/AVP 0',
  'a=rtcp:4001 IN IP4 10.0.0.5',
  '',
].join('\r\n');

const run = (ctx: ReturnType<typeof contextFor>['ctx'], fn: string, ...args: (string | number)[]) =>
  call(nathelper, fn, ctx, ...args);

describe('nat_uac_test', () => {
  const nated = () =>
    contextFor(request({ contact: '<sip:alice@10.0.0.5:5060>', body: SDP }), 'request', NATED).ctx;
  const direct = () =>
    contextFor(
      request({
        contact: '<sip:alice@198.51.100.7:40123>',
        via: 'SIP/2.0/UDP 198.51.100.7:40123;branch=z9hG4bK-1',
      }),
      'request',
      NATED,
    ).ctx;

  it.each([1, 2, 4, 8, 16, 128, 256])(
    'bit %i holds for a UA behind a NAT, not for one that is not',
    (bit) => {
      expect(run(nated(), 'nat-uac-test', bit)).toBe(1);
      expect(run(direct(), 'nat-uac-test', bit)).toBe(-1);
    },
  );

  it('32 tests the source address itself; 64 (WebSocket) never holds over UDP/TCP', () => {
    const fromPrivate = contextFor(request({ contact: '<sip:a@10.0.0.5>' }), 'request', {
      ...NATED,
      remote: { address: '192.168.1.20', port: 5060 },
    }).ctx;
    expect(run(fromPrivate, 'nat-uac-test', 32)).toBe(1);
    expect(run(nated(), 'nat-uac-test', 32)).toBe(-1);
    expect(run(nated(), 'nat-uac-test', 64)).toBe(-1);
  });

  it('a Via without port counts as 5060; flags 0 tests nothing', () => {
    const ctx = contextFor(request({ via: 'SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK-1' }), 'request', {
      ...NATED,
      remote: { address: '198.51.100.7', port: 5060 },
    }).ctx;
    expect(run(ctx, 'nat-uac-test', 16 | 2)).toBe(-1);
    expect(run(nated(), 'nat-uac-test', 0)).toBe(-1);
  });
});

describe('is_rfc1918', () => {
  it.each([
    ['10.1.2.3', 1],
    ['172.16.0.1', 1],
    ['172.31.255.255', 1],
    ['172.32.0.1', -1],
    ['192.168.0.1', 1],
    ['100.64.0.1', 1],
    ['100.128.0.1', -1],
    ['192.0.0.7', 1],
    ['192.0.0.8', -1],
    ['8.8.8.8', -1],
    ['fd00::1', -1],
    ['not-an-ip', -1],
  ])('%s: %i', (ip, code) => {
    expect(run(contextFor(request()).ctx, 'is-rfc1918', ip)).toBe(code);
  });
});

describe('fix_nated_contact', () => {
  it('puts the source address and port in the Contact URI, keeping user and parameters; maddr goes', () => {
    const { ctx } = contextFor(
      request({ contact: '"A" <sip:alice@10.0.0.5:5060;maddr=10.0.0.1;transport=udp>;expires=60' }),
      'request',
      NATED,
    );
    expect(run(ctx, 'fix-nated-contact')).toBe(1);
    expect(ctx.msg.get('Contact')).toBe('"A" <sip:alice@198.51.100.7:40123;transport=udp>;expires=60');
  });

  it('a second Contact change in the same message is refused (-1), as Kamailio', () => {
    const { ctx } = contextFor(request({ contact: 'sip:alice@10.0.0.5' }), 'request', NATED);
    expect(run(ctx, 'fix-nated-contact')).toBe(1);
    expect(ctx.msg.get('Contact')).toBe('sip:alice@198.51.100.7:40123');
    expect(run(ctx, 'fix-nated-contact')).toBe(-1);
    expect(run(ctx, 'set-contact-alias')).toBe(-1);
  });

  it('-1 without a Contact', () => {
    expect(run(contextFor(request(), 'request', NATED).ctx, 'fix-nated-contact')).toBe(-1);
  });
});

describe('contact aliases', () => {
  it('set_contact_alias appends ;alias=ip~port~proto to the URI, adding angle brackets', () => {
    const { ctx } = contextFor(request({ contact: 'sip:alice@10.0.0.5:5060;expires=60' }), 'request', NATED);
    expect(run(ctx, 'set-contact-alias')).toBe(1);
    expect(ctx.msg.get('Contact')).toBe('<sip:alice@10.0.0.5:5060;alias=198.51.100.7~40123~1>;expires=60');
  });

  it('add_contact_alias adds the alias after host:port, or answers 2 when the Contact is the source', () => {
    const { ctx } = contextFor(request({ contact: '<sip:alice@10.0.0.5;ob>' }), 'request', NATED);
    expect(run(ctx, 'add-contact-alias')).toBe(1);
    expect(ctx.msg.get('Contact')).toBe('<sip:alice@10.0.0.5;alias=198.51.100.7~40123~1;ob>');
    const same = contextFor(request({ contact: '<sip:alice@198.51.100.7:40123>' }), 'request', NATED).ctx;
    expect(run(same, 'add-contact-alias')).toBe(2);
    expect(run(contextFor(request(), 'request', NATED).ctx, 'add-contact-alias')).toBe(2);
  });

  it('add_contact_alias_addr takes ip, port and proto, refusing what is none', () => {
    const { ctx } = contextFor(request({ contact: '<sip:alice@10.0.0.5>' }), 'request', NATED);
    expect(run(ctx, 'add-contact-alias-addr', '203.0.113.9', '5070', 'tcp')).toBe(1);
    expect(ctx.msg.get('Contact')).toBe('<sip:alice@10.0.0.5;alias=203.0.113.9~5070~2>');
    const bad = () => contextFor(request({ contact: '<sip:alice@10.0.0.5>' }), 'request', NATED).ctx;
    expect(run(bad(), 'add-contact-alias-addr', 'host.example', '5070', 'udp')).toBe(-1);
    expect(run(bad(), 'add-contact-alias-addr', '203.0.113.9', '0', 'udp')).toBe(-1);
    expect(run(bad(), 'add-contact-alias-addr', '203.0.113.9', '5060', 'carrier-pigeon')).toBe(-1);
  });

  it('handle_ruri_alias sets $du from the alias and removes it from the R-URI', () => {
    const { ctx } = contextFor(request({ uri: 'sip:alice@10.0.0.5;alias=198.51.100.7~40123~2;ob' }));
    expect(run(ctx, 'handle-ruri-alias')).toBe(1);
    expect(ctx.relay.dstUri).toBe('sip:198.51.100.7:40123;transport=tcp');
    expect(ctx.request?.uri).toBe('sip:alice@10.0.0.5;ob');
    expect(run(contextFor(request()).ctx, 'handle-ruri-alias')).toBe(2);
    expect(run(contextFor(request({ uri: 'sip:a@10.0.0.5;alias=1.2.3.4' })).ctx, 'handle-ruri-alias')).toBe(
      -1,
    );
  });
});

describe('received', () => {
  it('fix_nated_register leaves the source URI in $avp(RECEIVED) for save', () => {
    const { ctx } = contextFor(
      request({ method: 'REGISTER', contact: '<sip:alice@10.0.0.5>' }),
      'request',
      NATED,
    );
    expect(run(ctx, 'fix-nated-register')).toBe(1);
    expect(ctx.avps.get('RECEIVED')).toBe('sip:198.51.100.7:40123');
  });

  it('add_rcv_param 0 adds a quoted header parameter to every contact, 1 a URI parameter', () => {
    const two = '<sip:a@10.0.0.5>;expires=60, <sip:a@10.0.0.6>';
    const header = contextFor(request({ method: 'REGISTER', contact: two }), 'request', NATED).ctx;
    expect(run(header, 'add-rcv-param', 0)).toBe(1);
    expect(header.msg.getAll('Contact')).toEqual([
      '<sip:a@10.0.0.5>;expires=60;received="sip:198.51.100.7:40123"',
      '<sip:a@10.0.0.6>;received="sip:198.51.100.7:40123"',
    ]);
    const uri = contextFor(request({ method: 'REGISTER', contact: two }), 'request', NATED).ctx;
    expect(run(uri, 'add-rcv-param', 1)).toBe(1);
    expect(uri.msg.get('Contact')).toBe('<sip:a@10.0.0.5;received=sip:198.51.100.7:40123>;expires=60');
    const tcp = contextFor(request({ method: 'REGISTER', contact: two }), 'request', {
      ...NATED,
      proto: 'tcp',
    }).ctx;
    expect(run(tcp, 'add-rcv-param', 1)).toBe(-1);
  });
});

describe('fix_nated_sdp', () => {
  const sdpCtx = (body = SDP) =>
    contextFor(request({ contact: '<sip:a@10.0.0.5>', body }), 'request', NATED).ctx;

  it('2 rewrites c= and a=rtcp to the source, keeping each old address as a=oldmediaip', () => {
    const ctx = sdpCtx();
    expect(run(ctx, 'fix-nated-sdp', 2)).toBe(1);
    const body = ctx.msg.body;
    expect(body).toContain('c=IN IP4 198.51.100.7\r\n');
    expect(body).toContain('a=rtcp:4001 IN IP4 198.51.100.7\r\n');
    expect(body).toContain('o=alice 1 1 IN IP4 10.0.0.5\r\n');
    expect(body.match(/a=oldmediaip:10\.0\.0\.5/g)).toHaveLength(2);
    expect(ctx.msg.get('Content-Length')).toBe(String(body.length));
  });

  it('8 rewrites o= (and a=rtcp); fix_nated_sdp_ip takes the address', () => {
    const ctx = sdpCtx();
    expect(run(ctx, 'fix-nated-sdp-ip', 8, '203.0.113.1')).toBe(1);
    expect(ctx.msg.body).toContain('o=alice 1 1 IN IP4 203.0.113.1\r\n');
    expect(ctx.msg.body).toContain('c=IN IP4 10.0.0.5\r\n');
  });

  it('1 and 4 add a=direction:active per media and a=nortpproxy:yes, answering 2 (no address replaced)', () => {
    const ctx = sdpCtx();
    expect(run(ctx, 'fix-nated-sdp', 1 | 4)).toBe(2);
    expect(ctx.msg.body).toMatch(
      /a=rtcp:4001 IN IP4 10\.0\.0\.5\r\na=direction:active\r\na=nortpproxy:yes\r\n$/,
    );
  });

  it('writes the body Kamailio 5.6.3 forwards for the same body and source, byte for byte, for modes 2 and 15', () => {
    const kamailio2 =
      'v=0\r\no=alice 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n' +
      'a=rtcp:4001 IN IP4 198.51.100.7\r\na=oldmediaip:10.0.0.5\r\na=oldmediaip:10.0.0.5\r\n';
    const kamailio15 =
      'v=0\r\no=alice 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n' +
      'a=rtcp:4001 IN IP4 198.51.100.7\r\na=direction:active\r\na=nortpproxy:yes\r\na=oldmediaip:10.0.0.5\r\n' +
      'a=oldmediaip:10.0.0.5\r\na=oldmediaip:10.0.0.5\r\n';
    const two = sdpCtx();
    expect(run(two, 'fix-nated-sdp', 2)).toBe(1);
    expect(two.msg.body).toBe(kamailio2);
    const fifteen = sdpCtx();
    expect(run(fifteen, 'fix-nated-sdp', 15)).toBe(1);
    expect(fifteen.msg.body).toBe(kamailio15);
  });

  it('a null or already right address is left alone (2); no body is -1', () => {
    expect(run(sdpCtx(SDP.replaceAll('10.0.0.5', '0.0.0.0')), 'fix-nated-sdp', 2)).toBe(2);
    expect(run(sdpCtx(SDP.replaceAll('10.0.0.5', '198.51.100.7')), 'fix-nated-sdp', 2)).toBe(2);
    expect(run(contextFor(request(), 'request', NATED).ctx, 'fix-nated-sdp', 2)).toBe(-1);
  });
});
