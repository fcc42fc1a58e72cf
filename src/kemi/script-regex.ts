// Regular expressions scripts pass as strings (t-check-status, check-route-param), compiled once each:
// scripts use a handful of fixed patterns. Bounded, so a script making up patterns cannot grow it forever.
const cache = new Map<string, RegExp | string>();
const CACHE_LIMIT = 1024;

/** The compiled pattern, or the reason it does not compile. */
export function scriptRegex(pattern: string): RegExp | string {
  let found = cache.get(pattern);
  if (found === undefined) {
    try {
      found = new RegExp(pattern);
    } catch (err) {
      found = `bad regular expression '${pattern}': ${(err as Error).message}`;
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, found);
  }
  return found;
}
