// Regular expressions scripts pass as strings (t-check-status, check-route-param), matched against text a
// caller may control (Route parameters). Bounded so that neither the pattern nor the input can make the
// host work without limit: patterns run on V8's linear-time engine (the `l` flag: no backtracking, so no
// exponential pattern; backreferences and lookaround, which it cannot run, are refused), patterns and
// inputs have a length cap, and only short patterns are cached (scripts use a handful of fixed ones).
import { err, ok, type Result } from '../result.ts';
import { type PosixFlags, posixToJs } from './posix-regex.ts';

/** Longest pattern accepted, in bytes. */
export const MAX_PATTERN_BYTES = 256;
/** Longest input matched, in bytes; a longer one is refused (the function answers false). */
export const MAX_INPUT_BYTES = 1024;
/** Patterns up to this length are compiled once and kept. */
const CACHED_PATTERN_BYTES = 128;
const CACHE_LIMIT = 512;

/** The flag of V8's linear-time engine (no backtracking). */
const LINEAR_FLAG = 'l';
/**
 * Whether V8's linear-time engine is on. It is behind a process-wide flag, which the composition root sets
 * at start-up (setV8Flags in src/runtime/v8-flags.ts), not this module on import.
 */
export function linearRegex(): boolean {
  try {
    new RegExp('a', LINEAR_FLAG); // a literal would not even parse without the flag
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles and matches script patterns, keeping the short ones compiled. One per server (the RouteHost owns
 * it), so the cache lives as long as the scripts that fill it and a test starts with an empty one.
 */
export class ScriptRegexes {
  /** Whether patterns run on the linear-time engine (setV8Flags ran before this was made). */
  readonly linear = linearRegex();
  readonly #cache = new Map<string, Result<RegExp, string>>();
  /** compilePosix's patterns, by flags and pattern (apart: a key could read as a plain pattern). */
  readonly #posixCache = new Map<string, Result<RegExp, string>>();

  /** The compiled pattern, or the reason it is refused. */
  compile(pattern: string): Result<RegExp, string> {
    let found = this.#cache.get(pattern);
    if (found !== undefined) return found;
    if (pattern.length > MAX_PATTERN_BYTES) {
      return err(`regular expression of ${pattern.length} bytes refused: the limit is ${MAX_PATTERN_BYTES}`);
    }
    found = compile(pattern, this.linear ? LINEAR_FLAG : '');
    if (pattern.length <= CACHED_PATTERN_BYTES) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(pattern, found);
    }
    return found;
  }

  /**
   * A POSIX pattern of textops (posix-regex.ts) compiled with Kamailio's flags, `global` for a substitution
   * of every match; cached with the flags, under the same limits as `compile`.
   */
  compilePosix(pattern: string, flags: PosixFlags & { readonly global?: boolean }): Result<RegExp, string> {
    const js = `${flags.global ? 'g' : ''}${flags.newline ? 'm' : 's'}`;
    const key = `${flags.icase ? 'i' : ''}${js}/${pattern}`;
    let found = this.#posixCache.get(key);
    if (found !== undefined) return found;
    if (pattern.length > MAX_PATTERN_BYTES) {
      return err(`regular expression of ${pattern.length} bytes refused: the limit is ${MAX_PATTERN_BYTES}`);
    }
    const translated = posixToJs(pattern, flags);
    found =
      'error' in translated
        ? err(`bad regular expression '${short(pattern)}': ${translated.error}`)
        : compile(translated.source, `${this.linear ? LINEAR_FLAG : ''}${js}`, pattern);
    if (pattern.length <= CACHED_PATTERN_BYTES) {
      if (this.#posixCache.size >= CACHE_LIMIT) this.#posixCache.clear();
      this.#posixCache.set(key, found);
    }
    return found;
  }

  /** Whether `input` matches `pattern`, or the reason the pattern or the input is refused. */
  test(pattern: string, input: string): Result<boolean, string> {
    const regex = this.compile(pattern);
    if (!regex.ok) return regex;
    if (input.length > MAX_INPUT_BYTES) {
      return err(`input of ${input.length} bytes not matched: the limit is ${MAX_INPUT_BYTES}`);
    }
    try {
      return ok(regex.value.test(input));
    } catch (e) {
      return err(`regular expression '${short(pattern)}' failed: ${(e as Error).message}`);
    }
  }
}

function compile(pattern: string, flags: string, written = pattern): Result<RegExp, string> {
  try {
    return ok(new RegExp(pattern, flags));
  } catch (e) {
    const message = (e as Error).message;
    const why = /linear time/.test(message)
      ? 'backreferences and lookaround are not supported (patterns run in linear time)'
      : message;
    return err(`bad regular expression '${short(written)}': ${why}`);
  }
}

function short(pattern: string): string {
  return pattern.length > 64 ? `${pattern.slice(0, 64)}...` : pattern;
}
