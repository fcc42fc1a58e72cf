import { describe, expect, it } from 'vitest';
import { reasonPhrase } from '../../src/sip/reason-phrases.ts';

describe('reasonPhrase', () => {
  it('gives the usual phrase, or the class phrase for unknown codes', () => {
    expect(reasonPhrase(200)).toBe('OK');
    expect(reasonPhrase(483)).toBe('Too Many Hops');
    expect(reasonPhrase(499)).toBe('Bad Request');
    expect(reasonPhrase(699)).toBe('Busy Everywhere');
  });
});
