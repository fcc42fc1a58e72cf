// Typed values of header fields, parsed from the field's text on first use and kept in the field (its
// `parsed` slot), so every reader and every clone sharing the field parses it once.

import type { HeaderField } from './header-field.ts';
import { parseDigits } from './integers.ts';

/** A grammar reading text[start, end): the value, or undefined when the text does not parse. */
export type RangeParser<T> = (text: string, start: number, end: number) => T | undefined;

// A slot holds the value, FAILED when the text did not parse, undefined before the first try.
const FAILED = false;
type Slot<T> = T | typeof FAILED | undefined;

/** The typed value of a single-valued field, parsed once and kept in the field. */
export function slotValue<T>(field: HeaderField | undefined, parse: RangeParser<T>): T | undefined {
  if (field === undefined) return undefined;
  let slot = field.parsed as Slot<T>;
  if (slot === undefined) {
    slot = parse(field.valueSource, field.valueFrom, field.valueTo) ?? FAILED;
    field.parsed = slot;
  }
  return slot === FAILED ? undefined : slot;
}

/** The typed value of element `index` of a list field, parsed once and kept in the field. */
export function elementValue<T>(field: HeaderField, index: number, parse: RangeParser<T>): T | undefined {
  let slots = field.parsed as Slot<T>[] | undefined;
  if (slots === undefined) {
    slots = [];
    field.parsed = slots;
  }
  let slot = slots[index];
  if (slot === undefined) {
    const ranges = field.ranges;
    slot = parse(field.valueSource, ranges[2 * index], ranges[2 * index + 1]) ?? FAILED;
    slots[index] = slot;
  }
  return slot === FAILED ? undefined : slot;
}

/**
 * Gives element `index` of `field`, a field an edit has just made and no one has read yet, the value its
 * caller already parsed it to, so the first read does not parse it again.
 */
export function presetElement<T>(field: HeaderField, index: number, value: T): void {
  let slots = field.parsed as Slot<T>[] | undefined;
  if (slots === undefined) {
    slots = [];
    field.parsed = slots;
  }
  slots[index] = value;
}

/** The 1*DIGIT value of a field, or -1. */
export function digitsOf(field: HeaderField): number {
  return field.folded
    ? parseDigits(field.value)
    : parseDigits(field.source, field.valueStart, field.valueEnd);
}
