// Attacks memory: keeps allocating 1 MiB blocks it never frees until the allocator's memory.grow is refused
// (the memory cap); AssemblyScript's allocator then traps.
const hoard: ArrayBuffer[] = [];

export function memoryBomb(): void {
  while (true) hoard.push(new ArrayBuffer(1 << 20));
}
