// Attacks the CPU under the fuel budget: a chase over 16 MiB of guest memory where each load's address
// depends on the value the previous load returned, so every one waits for a cache (and TLB) miss. It calls
// no KSR function and returns. With fuel counting instructions only, a chase like it used 36 M of its 50 M
// units in 0.4-0.6 s per request and never failed; the deadline, checked inside guest code, ends it.
const BYTES: usize = 16 << 20;
const MASK: u32 = (16 << 20) - 4;
const STEPS: u32 = 12_000_000;
let ring: usize = 0;
export let chased: u32 = 0;

export function pointerChase(): void {
  if (ring === 0) {
    ring = heap.alloc(BYTES);
    // One write per 4 KiB page, so the pages are the instance's own (untouched ones share one zero page).
    for (let at: usize = 0; at < BYTES; at += 4096) store<u32>(ring + at, 0);
  }
  let p: u32 = 0;
  for (let n: u32 = 0; n < STEPS; n++) p = load<u32>(ring + <usize>((p + n * 0x9e3779b1) & MASK));
  chased = p;
}
