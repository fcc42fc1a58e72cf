// Header field names: canonical spellings, compact forms (RFC 3261 7.3.3 and later RFCs) and which headers
// are comma-separated lists. Names match case-insensitively; a header's key is its lower-case full name, so
// "v", "VIA" and "Via" all have the key "via".

/** What this layer knows about a header field name. */
export interface HeaderName {
  /** Lower-case full name: the key fields are matched by. */
  readonly key: string;
  /** Canonical spelling, used when this layer writes the header. */
  readonly name: string;
  /** The header is a comma-separated list (`#element`): values split at top-level commas. */
  readonly list: boolean;
}

// [canonical name, compact form or '', list]
const KNOWN: ReadonlyArray<readonly [string, string, boolean]> = [
  ['Accept', '', true],
  ['Accept-Contact', 'a', true],
  ['Accept-Encoding', '', true],
  ['Accept-Language', '', true],
  ['Alert-Info', '', true],
  ['Allow', '', true],
  ['Allow-Events', 'u', true],
  ['Authentication-Info', '', false],
  ['Authorization', '', false],
  ['Call-ID', 'i', false],
  ['Call-Info', '', true],
  ['Contact', 'm', true],
  ['Content-Disposition', '', false],
  ['Content-Encoding', 'e', true],
  ['Content-Language', '', true],
  ['Content-Length', 'l', false],
  ['Content-Type', 'c', false],
  ['CSeq', '', false],
  ['Date', '', false],
  ['Error-Info', '', true],
  ['Event', 'o', false],
  ['Expires', '', false],
  ['From', 'f', false],
  ['History-Info', '', true],
  ['Identity', 'y', false],
  ['Identity-Info', 'n', false],
  ['In-Reply-To', '', true],
  ['Max-Forwards', '', false],
  ['MIME-Version', '', false],
  ['Min-Expires', '', false],
  ['Min-SE', '', false],
  ['Organization', '', false],
  ['P-Asserted-Identity', '', true],
  ['P-Preferred-Identity', '', true],
  ['Path', '', true],
  ['Priority', '', false],
  ['Privacy', '', false],
  ['Proxy-Authenticate', '', false],
  ['Proxy-Authorization', '', false],
  ['Proxy-Require', '', true],
  ['RAck', '', false],
  ['Reason', '', true],
  ['Record-Route', '', true],
  ['Refer-To', 'r', false],
  ['Referred-By', 'b', false],
  ['Reject-Contact', 'j', true],
  ['Reply-To', '', false],
  ['Request-Disposition', 'd', true],
  ['Require', '', true],
  ['Retry-After', '', false],
  ['Route', '', true],
  ['RSeq', '', false],
  ['Security-Client', '', true],
  ['Security-Server', '', true],
  ['Security-Verify', '', true],
  ['Server', '', false],
  ['Service-Route', '', true],
  ['Session-Expires', 'x', false],
  ['SIP-ETag', '', false],
  ['SIP-If-Match', '', false],
  ['Subject', 's', false],
  ['Subscription-State', '', false],
  ['Supported', 'k', true],
  ['Timestamp', '', false],
  ['To', 't', false],
  ['Unsupported', '', true],
  ['User-Agent', '', false],
  ['Via', 'v', true],
  ['Warning', '', true],
  ['WWW-Authenticate', '', false],
];

// Spelling (lower case, full or compact) -> name. Used for names given through the API.
const bySpelling = new Map<string, HeaderName>();

// The parser looks names up without slicing them out of the message: an FNV-1a hash of the lower-cased
// octets, computed while the name is scanned, indexes an open-addressing table of spellings.
const TABLE_SIZE = 512;
const tableSpelling: string[] = new Array(TABLE_SIZE).fill('');
const tableName: (HeaderName | undefined)[] = new Array(TABLE_SIZE).fill(undefined);

/** FNV-1a offset basis: the hash of an empty name. */
export const NAME_HASH_SEED = 0x811c9dc5;

/** Folds one octet of a header name into its hash (case-insensitive for letters). */
export function hashNameOctet(hash: number, c: number): number {
  return Math.imul(hash ^ (c | 0x20), 0x01000193);
}

function hashSpelling(spelling: string): number {
  let h = NAME_HASH_SEED;
  for (let i = 0; i < spelling.length; i++) h = hashNameOctet(h, spelling.charCodeAt(i));
  return h;
}

function addSpelling(spelling: string, name: HeaderName): void {
  bySpelling.set(spelling, name);
  let slot = hashSpelling(spelling) & (TABLE_SIZE - 1);
  while (tableName[slot] !== undefined) slot = (slot + 1) & (TABLE_SIZE - 1);
  tableSpelling[slot] = spelling;
  tableName[slot] = name;
}

for (const [canonical, compact, list] of KNOWN) {
  const name: HeaderName = { key: canonical.toLowerCase(), name: canonical, list };
  addSpelling(name.key, name);
  if (compact !== '') addSpelling(compact, name);
  // API callers usually write the canonical spelling: let it hit the map without lower-casing.
  bySpelling.set(canonical, name);
}

/**
 * The known name spelled by text[start, end), whose hash (seeded with NAME_HASH_SEED, folded with
 * hashNameOctet) is `hash`. The octets must be token characters, for which `| 0x20` lower-cases letters
 * and leaves every other token character unchanged.
 */
export function lookupHeaderName(
  text: string,
  start: number,
  end: number,
  hash: number,
): HeaderName | undefined {
  const length = end - start;
  let slot = hash & (TABLE_SIZE - 1);
  for (;;) {
    const name = tableName[slot];
    if (name === undefined) return undefined;
    const spelling = tableSpelling[slot];
    if (spelling.length === length) {
      let i = 0;
      while (i < length && (text.charCodeAt(start + i) | 0x20) === spelling.charCodeAt(i)) i++;
      if (i === length) return name;
    }
    slot = (slot + 1) & (TABLE_SIZE - 1);
  }
}

/** What is known of the header `name` (any case, full or compact form), if anything. */
export function headerName(name: string): HeaderName | undefined {
  return bySpelling.get(name) ?? bySpelling.get(name.toLowerCase());
}

/** The key headers named `name` are matched by: the lower-case full name ("i" and "CALL-ID" give "call-id"). */
export function headerKey(name: string): string {
  const known = bySpelling.get(name);
  if (known !== undefined) return known.key;
  const lower = name.toLowerCase();
  return bySpelling.get(lower)?.key ?? lower;
}

/** The canonical spelling of `name` ("i" and "call-id" give "Call-ID"); unknown names are returned as given. */
export function canonicalHeaderName(name: string): string {
  return headerName(name)?.name ?? name;
}
