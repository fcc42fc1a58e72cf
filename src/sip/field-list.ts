// The header field list of a message and the rule every edit of it keeps. A message never changes a list in
// place (clones share it): an edit builds the next list with these helpers, and adopts it only when
// `keepsAnswerable` says the message can still be answered and relayed: a parseable top Via, exactly one
// From and To that parse, one valid Call-ID and CSeq, at most one valid Max-Forwards, and a Content-Length
// that only setBody and serialization write.

import { isCallId } from './call-id.ts';
import { type CSeq, MAX_CSEQ, parseCSeqIn } from './cseq.ts';
import { digitsOf, elementValue, slotValue } from './field-values.ts';
import type { HeaderField } from './header-field.ts';
import { parseNameAddrIn } from './name-addr.ts';
import { parseViaIn, type Via } from './via.ts';

const GUARDED = new Set(['content-length', 'via', 'from', 'to', 'call-id', 'cseq', 'max-forwards']);

/**
 * Whether an edit of the fields named `key` must be checked with keepsAnswerable; an edit of any other
 * field keeps the message answerable whatever it is, so it may change the list in place.
 */
export function isGuardedKey(key: string): boolean {
  return GUARDED.has(key);
}

/** Whether the message may adopt `next`, an edit of the fields named `key`; `acceptsCSeq` checks the method. */
export function keepsAnswerable(
  key: string,
  next: HeaderField[],
  acceptsCSeq: (cseq: CSeq) => boolean,
): boolean {
  switch (key) {
    case 'content-length':
      return false;
    case 'via':
      return topVia(next) !== undefined;
    case 'from':
    case 'to':
      return slotValue(exactlyOne(next, key), parseNameAddrIn) !== undefined;
    case 'call-id': {
      const field = exactlyOne(next, key);
      return field !== undefined && isCallId(field.valueSource, field.valueFrom, field.valueTo);
    }
    case 'cseq': {
      const cseq = slotValue(exactlyOne(next, key), parseCSeqIn);
      return cseq !== undefined && cseq.seq <= MAX_CSEQ && acceptsCSeq(cseq);
    }
    case 'max-forwards': {
      const fields = next.filter((f) => f.key === key);
      return fields.length === 0 || (fields.length === 1 && digitsOf(fields[0]) >= 0);
    }
    default:
      return true;
  }
}

/** The first Via value of `fields`; undefined when there is none or it does not parse. */
export function topVia(fields: readonly HeaderField[]): Via | undefined {
  for (const field of fields) {
    if (field.key === 'via' && field.elementCount > 0) return elementValue(field, 0, parseViaIn);
  }
  return undefined;
}

/** Index of the first field with `key` at or after `from`; -1 when there is none. */
export function indexOfKey(fields: readonly HeaderField[], key: string, from: number): number {
  for (let i = from; i < fields.length; i++) if (fields[i].key === key) return i;
  return -1;
}

/** Index of the `index`th field with `key`, negative counting from the last; -1 when out of range. */
export function nthIndexOfKey(fields: readonly HeaderField[], key: string, index: number): number {
  const positions: number[] = [];
  fields.forEach((f, i) => {
    if (f.key === key) positions.push(i);
  });
  const at = index < 0 ? positions.length + index : index;
  return at >= 0 && at < positions.length ? positions[at] : -1;
}

/** `fields` with the first field of `key` replaced by `field` and the others of that key dropped. */
export function replaceAll(fields: readonly HeaderField[], key: string, field: HeaderField): HeaderField[] {
  const out: HeaderField[] = [];
  let placed = false;
  for (const f of fields) {
    if (f.key !== key) out.push(f);
    else if (!placed) {
      out.push(field);
      placed = true;
    }
  }
  if (!placed) out.push(field);
  return out;
}

function exactlyOne(fields: readonly HeaderField[], key: string): HeaderField | undefined {
  let found: HeaderField | undefined;
  for (const field of fields) {
    if (field.key !== key) continue;
    if (found !== undefined) return undefined;
    found = field;
  }
  return found;
}
