import { describe, expect, it } from 'vitest';
import * as sip from '../../src/sip/index.ts';

describe('the public surface of src/sip', () => {
  it('exports what the other layers call', () => {
    const names = [
      'parseMessage',
      'rejectionReply',
      'DEFAULT_PARSE_LIMITS',
      'SipMessage',
      'SipRequest',
      'SipResponse',
      'createResponse',
      'createRequest',
      'addReceived',
      'responseDestination',
      'parseUri',
      'formatUri',
      'uriEquals',
      'parseNameAddr',
      'formatNameAddr',
      'parseVia',
      'formatVia',
      'parseCSeq',
      'parseContacts',
      'parseHeaderLine',
      'headerKey',
      'canonicalHeaderName',
      'toByteString',
      'fromByteString',
    ];
    for (const name of names) expect(sip).toHaveProperty(name);
  });

  it('parses, edits and writes a message end to end', () => {
    const data = Buffer.from(
      'OPTIONS sip:a@b.example SIP/2.0\r\nVia: SIP/2.0/UDP c.example;rport;branch=z9hG4bK1\r\nFrom: <sip:c@c.example>;tag=1\r\nTo: <sip:a@b.example>\r\nCall-ID: 1@c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
    const result = sip.parseMessage(data, { datagram: true });
    expect(result.ok).toBe(true);
    if (!result.ok || !(result.value instanceof sip.SipRequest)) return;
    sip.addReceived(result.value, { address: '192.0.2.1', port: 40000 });
    const reply = sip.createResponse(result.value, 200, undefined, { toTag: 'x' });
    expect(sip.responseDestination(reply.via)).toEqual({
      transport: 'UDP',
      reuseConnection: false,
      host: '192.0.2.1',
      port: 40000,
    });
    expect(reply.toBuffer().toString('latin1')).toMatch(/^SIP\/2\.0 200 OK\r\n/);
  });
});
