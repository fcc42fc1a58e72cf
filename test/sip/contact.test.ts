import { describe, expect, it } from 'vitest';
import { parseContact, parseContacts } from '../../src/sip/contact.ts';

describe('parseContact (RFC 3261 20.10)', () => {
  it('reads expires and q', () => {
    const contact = parseContact('<sip:alice@192.0.2.4>;expires=3600;q=0.7');
    expect(contact).toMatchObject({ uri: 'sip:alice@192.0.2.4', expires: 3600, q: 0.7 });
  });

  it('leaves them undefined when absent', () => {
    expect(parseContact('sip:alice@192.0.2.4')).toMatchObject({ expires: undefined, q: undefined });
  });

  it('reads every form of qvalue', () => {
    expect(parseContact('<sip:a@b.example>;q=1')?.q).toBe(1);
    expect(parseContact('<sip:a@b.example>;q=1.000')?.q).toBe(1);
    expect(parseContact('<sip:a@b.example>;q=0.')?.q).toBe(0);
    expect(parseContact('<sip:a@b.example>;q=0.125')?.q).toBe(0.125);
  });

  it('caps expires at 2**32-1', () => {
    expect(parseContact('<sip:a@b.example>;expires=99999999999999')?.expires).toBe(4294967295);
  });

  it.each([
    '<sip:a@b.example>;q=1.5',
    '<sip:a@b.example>;q=0.1234',
    '<sip:a@b.example>;q=2',
    '<sip:a@b.example>;q=.5',
    '<sip:a@b.example>;expires=soon',
    '<sip:a@b.example>;expires=-1',
  ])('rejects %s', (value) => {
    expect(parseContact(value)).toBeUndefined();
  });
});

describe('parseContacts', () => {
  it('reads a lone STAR', () => {
    expect(parseContacts(['*'])).toBe('*');
    expect(parseContacts([' * '])).toBe('*');
  });

  it('rejects STAR beside contacts', () => {
    expect(parseContacts(['*', '<sip:a@b.example>'])).toBeUndefined();
  });

  it('reads every contact or none', () => {
    expect(parseContacts(['<sip:a@b.example>', '"x, y" <sip:c@d.example>;q=0.5'])).toHaveLength(2);
    expect(parseContacts(['<sip:a@b.example>', '<broken'])).toBeUndefined();
  });
});
