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

// [key (lower case), canonical name, compact form or '', list]. Keys are literals so that V8 interns them:
// comparing a field's key with a literal key elsewhere is then a pointer comparison.
const KNOWN: ReadonlyArray<readonly [string, string, string, boolean]> = [
  ['accept', 'Accept', '', true],
  ['accept-contact', 'Accept-Contact', 'a', true],
  ['accept-encoding', 'Accept-Encoding', '', true],
  ['accept-language', 'Accept-Language', '', true],
  ['alert-info', 'Alert-Info', '', true],
  ['allow', 'Allow', '', true],
  ['allow-events', 'Allow-Events', 'u', true],
  ['authentication-info', 'Authentication-Info', '', false],
  ['authorization', 'Authorization', '', false],
  ['call-id', 'Call-ID', 'i', false],
  ['call-info', 'Call-Info', '', true],
  ['contact', 'Contact', 'm', true],
  ['content-disposition', 'Content-Disposition', '', false],
  ['content-encoding', 'Content-Encoding', 'e', true],
  ['content-language', 'Content-Language', '', true],
  ['content-length', 'Content-Length', 'l', false],
  ['content-type', 'Content-Type', 'c', false],
  ['cseq', 'CSeq', '', false],
  ['date', 'Date', '', false],
  ['error-info', 'Error-Info', '', true],
  ['event', 'Event', 'o', false],
  ['expires', 'Expires', '', false],
  ['from', 'From', 'f', false],
  ['history-info', 'History-Info', '', true],
  ['identity', 'Identity', 'y', false],
  ['identity-info', 'Identity-Info', 'n', false],
  ['in-reply-to', 'In-Reply-To', '', true],
  ['max-forwards', 'Max-Forwards', '', false],
  ['mime-version', 'MIME-Version', '', false],
  ['min-expires', 'Min-Expires', '', false],
  ['min-se', 'Min-SE', '', false],
  ['organization', 'Organization', '', false],
  ['p-asserted-identity', 'P-Asserted-Identity', '', true],
  ['p-preferred-identity', 'P-Preferred-Identity', '', true],
  ['path', 'Path', '', true],
  ['priority', 'Priority', '', false],
  ['privacy', 'Privacy', '', false],
  ['proxy-authenticate', 'Proxy-Authenticate', '', false],
  ['proxy-authorization', 'Proxy-Authorization', '', false],
  ['proxy-require', 'Proxy-Require', '', true],
  ['rack', 'RAck', '', false],
  ['reason', 'Reason', '', true],
  ['record-route', 'Record-Route', '', true],
  ['refer-to', 'Refer-To', 'r', false],
  ['referred-by', 'Referred-By', 'b', false],
  ['reject-contact', 'Reject-Contact', 'j', true],
  ['reply-to', 'Reply-To', '', false],
  ['request-disposition', 'Request-Disposition', 'd', true],
  ['require', 'Require', '', true],
  ['retry-after', 'Retry-After', '', false],
  ['route', 'Route', '', true],
  ['rseq', 'RSeq', '', false],
  ['security-client', 'Security-Client', '', true],
  ['security-server', 'Security-Server', '', true],
  ['security-verify', 'Security-Verify', '', true],
  ['server', 'Server', '', false],
  ['service-route', 'Service-Route', '', true],
  ['session-expires', 'Session-Expires', 'x', false],
  ['sip-etag', 'SIP-ETag', '', false],
  ['sip-if-match', 'SIP-If-Match', '', false],
  ['subject', 'Subject', 's', false],
  ['subscription-state', 'Subscription-State', '', false],
  ['supported', 'Supported', 'k', true],
  ['timestamp', 'Timestamp', '', false],
  ['to', 'To', 't', false],
  ['unsupported', 'Unsupported', '', true],
  ['user-agent', 'User-Agent', '', false],
  ['via', 'Via', 'v', true],
  ['warning', 'Warning', '', true],
  ['www-authenticate', 'WWW-Authenticate', '', false],
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

for (const [key, canonical, compact, list] of KNOWN) {
  const name: HeaderName = { key, name: canonical, list };
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
