// Message text in this layer is a "byte string": one JS character per octet (latin1), so byte offsets are
// string indices, UTF-8 in header values and bodies survives untouched, and text copies into wasm memory
// octet by octet. These convert at the edges.

/** The octets of `data` as a byte string. */
export function toByteString(data: Buffer | Uint8Array): string {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return buffer.toString('latin1');
}

/** The octets of the byte string `text` (characters above 0xff keep only their low octet). */
export function fromByteString(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** JS text (UTF-16) as the byte string of its UTF-8 encoding, for values given by the program. */
export function utf8ToByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string holding UTF-8 decoded to JS text (invalid sequences become U+FFFD). */
export function byteStringToUtf8(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** True when every character of `text` is an octet (at most 0xff): text this layer can write as is. */
export function isByteString(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
