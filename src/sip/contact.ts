// Contact values (RFC 3261 20.10, 25.1): "*" or a list of name-addr / addr-spec with expires and q.
//
//   Contact = ("Contact" / "m" ) HCOLON ( STAR / (contact-param *(COMMA contact-param)))
//   contact-params = c-p-q / c-p-expires / contact-extension

import { parseDeltaSeconds, parseQValue } from './integers.ts';
import { type NameAddr, parseNameAddr } from './name-addr.ts';

export interface Contact extends NameAddr {
  /** The expires parameter in seconds, if present. */
  readonly expires: number | undefined;
  /** The q parameter (0 to 1), if present. */
  readonly q: number | undefined;
}

/** One contact-param, or undefined when malformed (including a bad expires or q). */
export function parseContact(value: string): Contact | undefined {
  const addr = parseNameAddr(value);
  if (addr === undefined) return undefined;
  const expiresText = addr.params.get('expires');
  const qText = addr.params.get('q');
  const expires = expiresText === undefined ? undefined : parseDeltaSeconds(expiresText);
  const q = qText === undefined ? undefined : parseQValue(qText);
  if (expires === -1 || q === -1) return undefined;
  return { ...addr, expires, q };
}

/**
 * The Contact values of a message (already split at commas): "*" when the only value is STAR, the contacts
 * otherwise, undefined when one is malformed or STAR stands beside others.
 */
export function parseContacts(values: readonly string[]): readonly Contact[] | '*' | undefined {
  if (values.length === 1 && values[0].trim() === '*') return '*';
  const contacts: Contact[] = [];
  for (const value of values) {
    const contact = parseContact(value);
    if (contact === undefined) return undefined;
    contacts.push(contact);
  }
  return contacts;
}
