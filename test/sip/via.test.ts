import { describe, expect, it } from 'vitest';
import { formatVia, parseVia } from '../../src/sip/via.ts';

describe('parseVia (RFC 3261 20.42, RFC 3581)', () => {
  it('reads sent-protocol, sent-by and the parameters with meaning', () => {
    const via = parseVia(
      'SIP/2.0/UDP pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5066',
    );
    expect(via).toMatchObject({
      protocol: 'SIP',
      version: '2.0',
      transport: 'UDP',
      host: 'pc33.atlanta.example.com',
      port: 5066,
      branch: 'z9hG4bK776asdhds',
      received: '192.0.2.1',
      rport: 5066,
      maddr: undefined,
      ttl: undefined,
    });
    expect([...via!.params.keys()]).toEqual(['branch', 'received', 'rport']);
  });

  it('tells rport without a value (a request) from rport with one', () => {
    expect(parseVia('SIP/2.0/UDP a.example.com;rport;branch=z9hG4bK1')?.rport).toBe(true);
    expect(parseVia('SIP/2.0/UDP a.example.com;branch=z9hG4bK1')?.rport).toBeUndefined();
    expect(parseVia('SIP/2.0/UDP a.example.com;rport=0')?.rport).toBe(0);
  });

  it('reads maddr and ttl', () => {
    expect(parseVia('SIP/2.0/UDP a.example.com;maddr=239.255.255.1;ttl=16')).toMatchObject({
      maddr: '239.255.255.1',
      ttl: 16,
    });
  });

  it('upper-cases the transport and keeps other parts as written', () => {
    expect(parseVia('sip/2.0/tcp a.example.com')).toMatchObject({ protocol: 'sip', transport: 'TCP' });
    expect(parseVia('SIP/2.0/ws df7jal23ls0d.invalid;branch=z9hG4bK')?.transport).toBe('WS');
    expect(parseVia('SIP/2.0/DCCP a.example.com')?.transport).toBe('DCCP');
  });

  it('allows LWS around the separators', () => {
    const via = parseVia(
      '  SIP / 2.0 / UDP   first.example.com : 4000 ; ttl = 16 ; maddr = 224.2.0.1 ; branch = z9hG4bKa7c6a8dlze.1  ',
    );
    expect(via).toMatchObject({
      host: 'first.example.com',
      port: 4000,
      ttl: 16,
      maddr: '224.2.0.1',
      branch: 'z9hG4bKa7c6a8dlze.1',
    });
  });

  it('reads IPv6 sent-by and received', () => {
    const via = parseVia('SIP/2.0/UDP [2001:db8::9:1]:5070;received=2001:db8::9:255;branch=z9hG4bKas3');
    expect(via).toMatchObject({ host: '[2001:db8::9:1]', port: 5070, received: '2001:db8::9:255' });
  });

  it('keeps extension parameters, with quoted values', () => {
    const via = parseVia('SIP/2.0/UDP a.example.com;branch=z9hG4bK1;x-note="a;b, c";flag');
    expect(via?.params.get('x-note')).toBe('"a;b, c"');
    expect(via?.params.get('flag')).toBe('');
  });

  it.each([
    ['no transport', 'SIP/2.0 a.example.com'],
    ['no sent-by', 'SIP/2.0/UDP'],
    ['no space before sent-by', 'SIP/2.0/UDPa.example.com'],
    ['bad host', 'SIP/2.0/UDP a..example.com'],
    ['port out of range', 'SIP/2.0/UDP a.example.com:70000'],
    ['empty port', 'SIP/2.0/UDP a.example.com:'],
    ['received not an address', 'SIP/2.0/UDP a.example.com;received=not_an_address'],
    ['rport with letters', 'SIP/2.0/UDP a.example.com;rport=abc'],
    ['rport out of range', 'SIP/2.0/UDP a.example.com;rport=65536'],
    ['ttl out of range', 'SIP/2.0/UDP a.example.com;ttl=256'],
    ['bad maddr', 'SIP/2.0/UDP a.example.com;maddr=-x'],
    ['an empty parameter', 'SIP/2.0/UDP a.example.com;;branch=z9hG4bK1'],
    ['a parameter value missing', 'SIP/2.0/UDP a.example.com;branch='],
    ['trailing text', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1 junk'],
    ['an unclosed IPv6 reference', 'SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1'],
    ['nothing', ''],
  ])('rejects a value with %s', (_why, value) => {
    expect(parseVia(value)).toBeUndefined();
  });
});

describe('formatVia', () => {
  it('writes the value back from its parts', () => {
    const via = parseVia('SIP/2.0/UDP  a.example.com : 5060 ;branch=z9hG4bK1;rport')!;
    expect(formatVia(via)).toBe('SIP/2.0/UDP a.example.com:5060;branch=z9hG4bK1;rport');
  });

  it('writes edited parameters', () => {
    const via = parseVia('SIP/2.0/TCP [2001:db8::1];branch=z9hG4bK1')!;
    const params = new Map(via.params);
    params.set('received', '2001:db8::2');
    expect(formatVia({ ...via, params })).toBe(
      'SIP/2.0/TCP [2001:db8::1];branch=z9hG4bK1;received=2001:db8::2',
    );
  });
});
