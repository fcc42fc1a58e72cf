// Attacks the host through the work or memory a single KSR call makes it spend, which no runtime limit sees
// (fuel counts guest work; the deadline is checked between calls): each was open until the KSR tables
// bounded it (src/kemi, commit a891dbd); test/sandbox keeps them closed.
import { KSR } from '../../../assemblyscript/sdk';
import { raw_getw, raw_xinfo } from './raw';

/** One hdr.append of 200 000 newlines then 'x': a trailing-newline trim by regex backtracks quadratically. */
export function headerRedos(): void {
  KSR.hdr.append(`${'\n'.repeat(200_000)}x`);
}

const NAME_BYTES = 1_000_000;
let names: u32 = 0;

/** 20 pv names of 1 MB each, a new one per call: a host cache of names would keep them all. */
export function pvNameHoard(): void {
  const name = new Uint8Array(NAME_BYTES);
  name.fill(0x78);
  // $var(<8 digits>xxxx...)
  const head = '$var(';
  for (let i = 0; i < head.length; i++) name[i] = <u8>head.charCodeAt(i);
  name[NAME_BYTES - 1] = 0x29;
  for (let call = 0; call < 20; call++) {
    names++;
    let n = names;
    for (let d = 12; d >= 5; d--) {
      name[d] = <u8>(0x30 + (n % 10));
      n /= 10;
    }
    raw_getw(name.dataStart, NAME_BYTES, memory.data(12, 4));
  }
}

/** One xlog line whose format names the whole message 300 000 times, expanded before it is charged. */
export function xlogAmplify(): void {
  const format = new Uint8Array(900_000);
  for (let i = 0; i < 900_000; i += 3) {
    format[i] = 0x24;
    format[i + 1] = 0x6d;
    format[i + 2] = 0x62;
  }
  raw_xinfo(format.dataStart, 900_000);
}
