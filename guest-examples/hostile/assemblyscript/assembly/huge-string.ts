// Attacks the boundary: a 4 MiB string argument, lengths and pointers outside guest memory, and host
// memory hoarding with many strings just under the size limit.
import { KSR } from '../../../assemblyscript/sdk';
import { raw_crit, raw_getw, raw_sets } from './raw';

/** A KSR call with a 4 MiB argument: the host must refuse it without copying it. */
export function hugeString(): void {
  KSR.pv.sets('$var(huge)', 'x'.repeat(4 << 20));
}

/** A length of 4 GiB - 1 from address 0. */
export function bogusLength(): void {
  raw_crit(0, 0xffffffff);
}

/** A pointer past the end of guest memory. */
export function bogusPointer(): void {
  raw_crit(0xfffffff0, 64);
}

/** A return area the host would write outside guest memory. */
export function bogusRetptr(): void {
  const name = String.UTF8.encode('$ru');
  raw_getw(changetype<usize>(name), <usize>name.byteLength, 0xfffffffc);
}

/** Stores 1000000-byte strings in host-side variables, each under the string limit, until stopped. */
export function hoardHostMemory(): void {
  const chunk = String.UTF8.encode('x'.repeat(1_000_000));
  for (let i = 0; ; i++) {
    const name = String.UTF8.encode(`$var(hoard${i})`);
    raw_sets(
      changetype<usize>(name),
      <usize>name.byteLength,
      changetype<usize>(chunk),
      <usize>chunk.byteLength,
    );
  }
}
