// The CSV of `kemi-wasm address import`: fields, quoting, comments, the optional header, and errors that
// name the line.
import { describe, expect, it } from 'vitest';
import { parseAddressCsv } from '../../src/cli/address-csv.ts';

describe('address import CSV', () => {
  it('reads group,address[,port[,tag]] with quotes, comments and a header', () => {
    const text = [
      'group,address,port,tag',
      '# trunks',
      '1,10.0.0.0/8',
      '',
      '2, 2001:db8::1 ,5060,"carrier, east"',
      '3,gw.example.com,,"say ""hi"""',
    ].join('\r\n');
    const parsed = parseAddressCsv(text);
    expect(parsed).toEqual({
      ok: true,
      value: [
        { line: 3, row: { group: 1, address: '10.0.0.0/8', port: 0 } },
        { line: 5, row: { group: 2, address: '2001:db8::1', port: 5060, tag: 'carrier, east' } },
        { line: 6, row: { group: 3, address: 'gw.example.com', port: 0, tag: 'say "hi"' } },
      ],
    });
  });

  it('names the line of a bad row', () => {
    expect(parseAddressCsv('1,10.0.0.1\nx,10.0.0.2')).toEqual({
      ok: false,
      error: "line 2: group 'x' is not a number",
    });
    expect(parseAddressCsv('1')).toMatchObject({ ok: false, error: /^line 1: expected group,address/ });
    expect(parseAddressCsv('1,10.0.0.1,abc')).toMatchObject({ ok: false, error: /port 'abc'/ });
    expect(parseAddressCsv('1,"10.0.0.1')).toMatchObject({ ok: false, error: /unbalanced/ });
  });
});
