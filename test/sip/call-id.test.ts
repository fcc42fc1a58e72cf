import { describe, expect, it } from 'vitest';
import { isCallId } from '../../src/sip/call-id.ts';

describe('isCallId (RFC 3261 25.1)', () => {
  it.each([
    'a84b4c76e66710@pc33.atlanta.example.com',
    'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    '1@[::1]',
    '<weird>:"id"',
  ])('accepts %s', (id) => {
    expect(isCallId(id)).toBe(true);
  });

  it.each(['', 'a b', 'a@', '@b', 'a@b@c', 'a,b', 'a;b'])('rejects %j', (id) => {
    expect(isCallId(id)).toBe(false);
  });
});
