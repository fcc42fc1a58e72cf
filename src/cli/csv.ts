// The subscriber CSV of `kemi-wasm subscriber import`: one `username,domain,password` per line, fields
// optionally in double quotes ("" for a quote inside), an optional header line naming the columns, blank
// lines and lines starting with '#' ignored. Errors name the line, never the password.

export interface CsvSubscriber {
  readonly username: string;
  readonly domain: string;
  readonly password: string;
}

/** The fields of one CSV line, or undefined when a quote is not closed. */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let p = 0;
  for (;;) {
    if (line[p] === '"') {
      let value = '';
      p++;
      for (;;) {
        const q = line.indexOf('"', p);
        if (q < 0) return undefined;
        value += line.slice(p, q);
        if (line[q + 1] === '"') {
          value += '"';
          p = q + 2;
          continue;
        }
        p = q + 1;
        break;
      }
      out.push(value);
      if (p >= line.length) return out;
      if (line[p] !== ',') return undefined;
      p++;
    } else {
      const comma = line.indexOf(',', p);
      if (comma < 0) {
        out.push(line.slice(p).trim());
        return out;
      }
      out.push(line.slice(p, comma).trim());
      p = comma + 1;
    }
  }
}

export function parseSubscriberCsv(
  text: string,
): { ok: true; value: CsvSubscriber[] } | { ok: false; error: string } {
  const rows: CsvSubscriber[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const f = fields(line);
    if (f === undefined || f.length !== 3)
      return { ok: false, error: `line ${i + 1}: expected username,domain,password` };
    if (rows.length === 0 && f[0].toLowerCase() === 'username' && f[1].toLowerCase() === 'domain') continue;
    rows.push({ username: f[0], domain: f[1], password: f[2] });
  }
  return { ok: true, value: rows };
}
