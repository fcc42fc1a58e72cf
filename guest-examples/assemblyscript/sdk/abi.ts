// Canonical-ABI helpers behind the generated bindings (ksr-imports.ts). Strings the host returns were
// allocated with our cabi_realloc and belong to us: they are decoded into AssemblyScript strings and freed
// at once, so an instance that serves thousands of messages does not grow.

/** Return area of lowered imports: string = ptr@0 len@4; option<string> = tag@0 ptr@4 len@8. */
export const RET_AREA: usize = memory.data(12, 4);

/** Decodes and frees a host-written UTF-8 string. */
export function liftString(ptr: usize, len: usize): string {
  // An empty string may come with a dangling pointer (see cabi_realloc): nothing to free.
  if (len === 0) return '';
  const str = decodeUtf8Lossy(ptr, len);
  heap.free(ptr);
  return str;
}

export function liftStringResult(area: usize): string {
  return liftString(load<usize>(area), load<usize>(area, 4));
}

export function liftOptionStringResult(area: usize): string | null {
  if (load<u8>(area) === 0) return null;
  return liftString(load<usize>(area, 4), load<usize>(area, 8));
}

// SIP messages are not always valid UTF-8: every ill-formed sequence becomes one U+FFFD per maximal
// subpart, as Rust's String::from_utf8_lossy and the WHATWG decoder do, so both SDKs see the same text.
function decodeUtf8Lossy(ptr: usize, len: usize): string {
  // At most one UTF-16 unit per input byte (a 4-byte sequence gives two units).
  const out = __new(len << 1, idof<string>());
  let o = out;
  const end = ptr + len;
  let i = ptr;
  while (i < end) {
    const b0 = <u32>load<u8>(i);
    if (b0 < 0x80) {
      store<u16>(o, <u16>b0);
      o += 2;
      i++;
      continue;
    }
    let need = 0;
    let lo: u32 = 0x80;
    let hi: u32 = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      if (b0 === 0xe0) lo = 0xa0;
      else if (b0 === 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      if (b0 === 0xf0) lo = 0x90;
      else if (b0 === 0xf4) hi = 0x8f;
    } else {
      store<u16>(o, 0xfffd);
      o += 2;
      i++;
      continue;
    }
    let cp = b0 & (0x3f >> need);
    let j = i + 1;
    let got = 0;
    while (got < need && j < end) {
      const b = <u32>load<u8>(j);
      if (b < lo || b > hi) break;
      cp = (cp << 6) | (b & 0x3f);
      lo = 0x80;
      hi = 0xbf;
      j++;
      got++;
    }
    i = j;
    if (got < need) {
      store<u16>(o, 0xfffd);
      o += 2;
    } else if (cp < 0x10000) {
      store<u16>(o, <u16>cp);
      o += 2;
    } else {
      cp -= 0x10000;
      store<u16>(o, <u16>(0xd800 | (cp >> 10)));
      store<u16>(o + 2, <u16>(0xdc00 | (cp & 0x3ff)));
      o += 4;
    }
  }
  return changetype<string>(__renew(out, o - out));
}
