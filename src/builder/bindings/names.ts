// How WIT names and types become guest-language ones. KEMI spells its functions in snake_case
// (`KSR.sl.sl_send_reply`), so every SDK and the AssemblyScript export renaming use the same rule.
import type { GuestLanguage } from '../types.ts';
import type { LoweredFunction, ParamKind, ResultKind } from './abi.ts';

/** `sl-send-reply` -> `sl_send_reply` */
export function snakeCase(witName: string): string {
  return witName.replaceAll('-', '_');
}

// Words that cannot name a function or parameter in the target language.
const RUST_RESERVED = new Set(
  (
    'as async await box break const continue crate do dyn else enum extern false final fn for if impl in let loop ' +
    'macro match mod move mut override priv pub ref return self static struct super trait true try type typeof ' +
    'unsafe unsized use virtual where while yield'
  ).split(' '),
);
const ASSEMBLYSCRIPT_RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield declare namespace module type ' +
    'abstract is readonly'
  ).split(' '),
);

/** A Rust identifier for a WIT name (`r#type` for keywords). */
export function rustIdent(witName: string): string {
  const name = snakeCase(witName);
  return RUST_RESERVED.has(name) ? `r#${name}` : name;
}

/** An AssemblyScript identifier for a WIT name; keywords get a trailing underscore. */
export function asIdent(witName: string): string {
  const name = snakeCase(witName);
  return ASSEMBLYSCRIPT_RESERVED.has(name) ? `${name}_` : name;
}

/** Each WIT parameter type in each guest language. */
export const PARAM_TYPE: Record<ParamKind, Record<GuestLanguage, string>> = {
  string: { assemblyscript: 'string', rust: '&str', javascript: 'string' },
  s32: { assemblyscript: 'i32', rust: 'i32', javascript: 'number' },
  u32: { assemblyscript: 'u32', rust: 'u32', javascript: 'number' },
  bool: { assemblyscript: 'bool', rust: 'bool', javascript: 'boolean' },
};

/** Each WIT result type in each guest language; Rust's as the `-> T` suffix of a signature. */
export const RESULT_TYPE: Record<ResultKind, Record<GuestLanguage, string>> = {
  none: { assemblyscript: 'void', rust: '', javascript: 'void' },
  s32: { assemblyscript: 'i32', rust: ' -> i32', javascript: 'number' },
  u32: { assemblyscript: 'u32', rust: ' -> u32', javascript: 'number' },
  bool: { assemblyscript: 'bool', rust: ' -> bool', javascript: 'boolean' },
  string: { assemblyscript: 'string', rust: ' -> String', javascript: 'string' },
  'option<string>': {
    assemblyscript: 'string | null',
    rust: ' -> Option<String>',
    javascript: 'string | null',
  },
};

const IDENT: Record<GuestLanguage, (witName: string) => string> = {
  assemblyscript: asIdent,
  rust: rustIdent,
  // JavaScript's reserved words are a subset of AssemblyScript's.
  javascript: asIdent,
};

/**
 * The name componentize-js gives an imported WIT function (heck's lowerCamelCase, as wit-bindgen):
 * `sl-send-reply` -> `slSendReply`, `is-INVITE` -> `isInvite`, `is-IPv4` -> `isIpv4`.
 */
export function lowerCamelCase(witName: string): string {
  return witName
    .split('-')
    .map((word, i) =>
      i === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
    )
    .join('');
}

/** A function's parameter list in `language`: `name: type, ...`. */
export function guestParams(lowered: LoweredFunction, language: GuestLanguage): string {
  return lowered.params.map((p) => `${IDENT[language](p.name)}: ${PARAM_TYPE[p.kind][language]}`).join(', ');
}
