// Kamailio's sed-like substitution expressions (core/re.c: subst_parser, subst_str), as textops' subst,
// subst_uri and subst_body take them: "/regex/replacement/flags", the first character being the separator.
// Flags: i (REG_ICASE), s (`.` and `$` span line ends: no REG_NEWLINE), g (every match, else the first).
// In the replacement, \0 to \9 are the match and its groups, \u the Request-URI, \n \r \t \\ \$ those
// characters, another escaped character itself, and $name / $name(arg) a pseudo-variable's value. The
// pattern compiles through ScriptRegexes (linear time, cached, length-capped); the result is capped by the
// caller's `limit`, so a global replacement cannot build more than a message may hold.
import { err, ok, type Result } from '../result.ts';
import type { RouteContext } from './context.ts';
import { type PvRef, readPv } from './pseudo-variables.ts';

type Token =
  | { readonly text: string }
  | { readonly group: number }
  | { readonly uri: true }
  | { readonly pv: PvRef };

export interface SubstExpression {
  readonly regex: RegExp;
  readonly replacement: readonly Token[];
  readonly global: boolean;
}

const MAX_NAME = 256;
const isNameChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const ESCAPED: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', $: '$' };

/** Parses `expr`; the error says what is wrong with it (as Kamailio's subst_parser refuses it). */
export function parseSubst(ctx: RouteContext, expr: string): Result<SubstExpression, string> {
  if (expr.length < 3) return err(`expression is too short: '${expr}'`);
  const sep = expr[0];
  if (sep === '\\') return err(`invalid separator '\\' in '${expr}'`);
  let reEnd = 1;
  while (reEnd < expr.length && !(expr[reEnd] === sep && expr[reEnd - 1] !== '\\')) reEnd++;
  if (reEnd >= expr.length) return err(`no separator found in '${expr}'`);
  const replacement = parseReplacement(ctx, expr, reEnd + 1, sep);
  if (!replacement.ok) return replacement;
  let icase = false;
  let newline = true;
  let global = false;
  for (const flag of expr.slice(replacement.value.end + 1)) {
    if (flag === 'i') icase = true;
    else if (flag === 's') newline = false;
    else if (flag === 'g') global = true;
    else return err(`unknown flag '${flag}' in '${expr}'`);
  }
  const regex = ctx.host.regexes.compilePosix(expr.slice(1, reEnd), { icase, newline, global });
  if (!regex.ok) return regex;
  const groups = new RegExp(`${regex.value.source}|`).exec('')!.length - 1;
  const highest = Math.max(0, ...replacement.value.tokens.map((t) => ('group' in t ? t.group : 0)));
  if (highest > groups) return err(`\\${highest} refers to a group the expression does not have`);
  return ok({ regex: regex.value, replacement: replacement.value.tokens, global });
}

function parseReplacement(
  ctx: RouteContext,
  expr: string,
  start: number,
  sep: string,
): Result<{ tokens: Token[]; end: number }, string> {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') tokens.push({ text });
    text = '';
  };
  for (let i = start; i < expr.length; i++) {
    const c = expr[i];
    if (c === sep) {
      flush();
      return ok({ tokens, end: i });
    }
    if (c === '\\' && i + 1 < expr.length) {
      const next = expr[++i];
      if (next >= '0' && next <= '9') {
        flush();
        tokens.push({ group: Number(next) });
      } else if (next === 'u') {
        flush();
        tokens.push({ uri: true });
      } else {
        text += ESCAPED[next] ?? next;
      }
    } else if (c === '$') {
      let end = i + 1;
      while (end < expr.length && isNameChar(expr.charCodeAt(end))) end++;
      if (expr[end] === '(') {
        const close = expr.indexOf(')', end);
        if (close > end && close - i <= MAX_NAME) end = close + 1;
      }
      const found = ctx.host.pvNames.lookup(expr.slice(i, end));
      if (!found.ok) return err(`bad specifier in the replacement: ${found.error}`);
      flush();
      tokens.push({ pv: found.value });
      i = end - 1;
    } else {
      text += c;
    }
  }
  return err(`missing separator after the replacement in '${expr}'`);
}

/**
 * `input` with the expression's match (or every match) replaced; undefined when nothing matched, or (with
 * a reason) when the result would be longer than `limit` octets.
 */
export function substitute(
  ctx: RouteContext,
  se: SubstExpression,
  input: string,
  limit: number,
): Result<string | undefined, string> {
  const regex = se.regex;
  regex.lastIndex = 0;
  let out = '';
  let from = 0;
  let matched = false;
  for (let m = regex.exec(input); m !== null; m = se.global ? regex.exec(input) : null) {
    matched = true;
    out += input.slice(from, m.index) + render(ctx, se.replacement, m);
    from = m.index + m[0].length;
    if (out.length > limit) return err(`the substitution result is longer than ${limit} octets`);
    // An empty match would be found again at the same place.
    if (m[0].length === 0) regex.lastIndex++;
  }
  if (!matched) return ok(undefined);
  out += input.slice(from);
  if (out.length > limit) return err(`the substitution result is longer than ${limit} octets`);
  return ok(out);
}

function render(ctx: RouteContext, tokens: readonly Token[], m: RegExpExecArray): string {
  let out = '';
  for (const t of tokens) {
    if ('text' in t) out += t.text;
    else if ('group' in t) out += m[t.group] ?? '';
    else if ('uri' in t) out += ctx.request?.uri ?? '';
    else {
      const value = readPv(ctx, t.pv);
      out += value === undefined ? '' : String(value);
    }
  }
  return out;
}
