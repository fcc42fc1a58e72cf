// Eight lower-case hex digits of a 32-bit value, by table. `(n >>> 0).toString(16)` is not the same cost:
// above 2^31 the value is no small integer, and V8 formats it through its runtime's double-to-radix path
// (a floating-point modulo per digit), measured on the per-transaction branch MAC and loop hash.

const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `(n >>> 0).toString(16).padStart(8, '0')` for any number `n` (its low 32 bits). */
export function hex32(n: number): string {
  return (
    BYTE_HEX[(n >>> 24) & 255] + BYTE_HEX[(n >>> 16) & 255] + BYTE_HEX[(n >>> 8) & 255] + BYTE_HEX[n & 255]
  );
}
