import { describe, expect, it } from 'vitest';
import { parseCSeq } from '../../src/sip/cseq.ts';

describe('parseCSeq (RFC 3261 20.16)', () => {
  it('reads the number and the method', () => {
    expect(parseCSeq('4711 INVITE')).toEqual({ seq: 4711, method: 'INVITE' });
    expect(parseCSeq(' 0 \tNEWMETHOD ')).toEqual({ seq: 0, method: 'NEWMETHOD' });
  });

  it('keeps the method case-sensitive', () => {
    expect(parseCSeq('1 invite')?.method).toBe('invite');
  });

  it("reads numbers up to ten digits (the 2**31 bound is the parser's)", () => {
    expect(parseCSeq('4294967296 INVITE')?.seq).toBe(4294967296);
    expect(parseCSeq('12345678901 INVITE')).toBeUndefined();
  });

  it.each(['INVITE', '1', '1INVITE', 'x1 INVITE', '1 INV ITE', '-1 INVITE', '1 INVITE;x', ''])(
    'rejects %j',
    (value) => {
      expect(parseCSeq(value)).toBeUndefined();
    },
  );
});
