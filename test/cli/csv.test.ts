// The subscriber CSV of `kemi-wasm subscriber import`.
import { describe, expect, it } from 'vitest';
import { parseSubscriberCsv } from '../../src/cli/csv.ts';

describe('parseSubscriberCsv', () => {
  it('reads rows, skipping a header, blank lines and comments; quotes may hold commas and quotes', () => {
    const text =
      'username,domain,password\n# staff\nalice,example.org,s3cret\n\n"bob","example.org","a,""b"""\r\n';
    expect(parseSubscriberCsv(text)).toEqual({
      ok: true,
      value: [
        { username: 'alice', domain: 'example.org', password: 's3cret' },
        { username: 'bob', domain: 'example.org', password: 'a,"b"' },
      ],
    });
  });

  it('names the line of a row without three fields, and never echoes it', () => {
    const parsed = parseSubscriberCsv('alice,example.org,pw\nbob,example.org\n');
    expect(parsed).toEqual({ ok: false, error: 'line 2: expected username,domain,password' });
    expect(parseSubscriberCsv('"alice,example.org,pw')).toMatchObject({ ok: false });
  });
});
