// The CSV of `kemi-wasm address import`: one row per line, `group,address[,port[,tag]]` (an address is an
// IP, a range like 10.0.0.0/8, or a host name; port 0 or empty is any port). Fields may be double-quoted
// (a tag with a comma); blank lines, lines starting with '#', and a header line starting with "group" are
// skipped. Errors name the line.
import { err, ok, type Result } from '../result.ts';
import type { AddressInput } from '../state/index.ts';

/** A row and the line of the file it came from (1-based), for messages about it. */
export interface CsvAddress {
  readonly line: number;
  readonly row: AddressInput;
}

export function parseAddressCsv(text: string): Result<CsvAddress[], string> {
  const rows: CsvAddress[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = splitFields(raw);
    if (fields === undefined) return err(`line ${line}: unbalanced double quotes`);
    if (rows.length === 0 && /^group$/i.test(fields[0].trim())) continue;
    if (fields.length < 2 || fields.length > 4)
      return err(`line ${line}: expected group,address[,port[,tag]], found ${fields.length} fields`);
    const [group, address, port = '', tag = ''] = fields.map((f) => f.trim());
    if (!/^\d{1,10}$/.test(group)) return err(`line ${line}: group '${group}' is not a number`);
    if (port !== '' && !/^\d{1,5}$/.test(port)) return err(`line ${line}: port '${port}' is not a number`);
    rows.push({
      line,
      row: {
        group: Number(group),
        address,
        port: port === '' ? 0 : Number(port),
        ...(tag === '' ? {} : { tag }),
      },
    });
  }
  return ok(rows);
}

/** The fields of one line (RFC 4180 quoting: "" inside quotes is one quote); undefined when unbalanced. */
function splitFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
