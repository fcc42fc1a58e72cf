import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/rtpengine/flags.ts';

describe('parseFlags (Kamailio rtpengine flag strings)', () => {
  it("turns the basic script's flags into ng entries", () => {
    const parsed = parseFlags(
      'replace-origin replace-session-connection ICE=remove RTP/AVP direction=external direction=internal trust-address',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        entries: {
          replace: ['origin', 'session-connection'],
          ICE: 'remove',
          'transport-protocol': 'RTP/AVP',
          direction: ['external', 'internal'],
          flags: ['trust-address'],
        },
        own: {},
      },
    });
  });

  it('groups codec flags, list prefixes and passes other key=value pairs through', () => {
    const parsed = parseFlags(
      'codec-strip-PCMA codec-strip-G722 codec-offer-PCMU rtcp-mux-demux SDES-off label=x',
    );
    expect(parsed.ok && parsed.value.entries).toEqual({
      codec: { strip: ['PCMA', 'G722'], offer: ['PCMU'] },
      'rtcp-mux': ['demux'],
      SDES: ['off'],
      label: 'x',
    });
  });

  it("keeps Kamailio's own flags apart", () => {
    const parsed = parseFlags('via-branch=auto call-id=c1 from-tag=f to-tag=t symmetric');
    expect(parsed).toEqual({
      ok: true,
      value: {
        entries: { flags: ['symmetric'] },
        own: { viaBranch: 'auto', callId: 'c1', fromTag: 'f', toTag: 't' },
      },
    });
  });

  it('refuses malformed flags', () => {
    expect(parseFlags('ICE=')).toMatchObject({ ok: false });
    expect(parseFlags('=x')).toMatchObject({ ok: false });
    expect(parseFlags('via-branch=9')).toMatchObject({ ok: false });
    expect(parseFlags('x'.repeat(5000))).toMatchObject({ ok: false });
    expect(parseFlags('')).toEqual({ ok: true, value: { entries: {}, own: {} } });
  });
});
