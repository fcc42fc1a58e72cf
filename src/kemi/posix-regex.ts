// Kamailio's textops compiles script patterns as POSIX extended expressions (regcomp with REG_EXTENDED,
// mostly REG_ICASE and REG_NEWLINE). They run here on V8's linear-time engine (script-regex.ts), which has
// no case-insensitive mode: this turns such a pattern into one without it, each letter becoming a class of
// both cases, and gives the POSIX named classes ([:digit:] ...) and REG_NEWLINE's rule (a negated bracket
// does not match a line end) their meaning in a JavaScript pattern. One pass over the pattern, so the
// translation costs time linear in its length.

/** How a POSIX pattern is compiled: REG_ICASE and REG_NEWLINE. */
export interface PosixFlags {
  readonly icase: boolean;
  readonly newline: boolean;
}

const NAMED_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\v\\f\\r',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const otherCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/** The JavaScript source of POSIX `pattern`, or an error message for a bracket left open. */
export function posixToJs(pattern: string, flags: PosixFlags): { source: string } | { error: string } {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const escaped = escapeAt(pattern, i);
      out += escaped;
      i += escaped.length;
    } else if (c === '[') {
      const bracket = translateBracket(pattern, i, flags);
      if (bracket === undefined) return { error: 'unterminated bracket expression' };
      out += bracket.source;
      i = bracket.end;
    } else if (c === '(' && pattern.startsWith('(?<', i) && /[A-Za-z]/.test(pattern[i + 3] ?? '')) {
      // A group name stays as written.
      const close = pattern.indexOf('>', i);
      const end = close < 0 ? pattern.length : close + 1;
      out += pattern.slice(i, end);
      i = end;
    } else {
      out += flags.icase && isLetter(c) ? `[${c}${otherCase(c)}]` : c;
      i++;
    }
  }
  return { source: out };
}

/** The escape at `i` (a backslash) with the characters it consumes: `\x41` is one escape, not `\x` and text. */
function escapeAt(pattern: string, i: number): string {
  const next = pattern[i + 1];
  if (next === undefined) return '\\';
  const length = next === 'x' ? 4 : next === 'u' ? 6 : next === 'c' ? 3 : 2;
  return pattern.slice(i, i + length);
}

/** A bracket expression starting at `i` as a JavaScript class, and the index after it. */
function translateBracket(
  pattern: string,
  start: number,
  flags: PosixFlags,
): { source: string; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (pattern[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === ']' && !first) {
      // REG_NEWLINE: a negated bracket does not match a line end.
      const tail = negated && flags.newline ? '\\n' : '';
      return { source: `[${negated ? '^' : ''}${body}${tail}]`, end: i + 1 };
    }
    first = false;
    if (c === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const named = close < 0 ? undefined : NAMED_CLASSES[pattern.slice(i + 2, close)];
      if (named !== undefined) {
        body += named;
        i = close + 2;
        continue;
      }
    }
    if (c === '\\') {
      const escaped = escapeAt(pattern, i);
      body += escaped;
      i += escaped.length;
      continue;
    }
    if (c === ']' || c === '[') {
      body += `\\${c}`;
      i++;
      continue;
    }
    const high = pattern[i + 2];
    if (pattern[i + 1] === '-' && high !== undefined && high !== ']') {
      body += `${c}-${high}`;
      if (flags.icase && isLetter(c) && isLetter(high) && c <= 'Z' === high <= 'Z') {
        body += `${otherCase(c)}-${otherCase(high)}`;
      }
      i += 3;
      continue;
    }
    body += flags.icase && isLetter(c) ? `${c}${otherCase(c)}` : c;
    i++;
  }
  return undefined;
}
