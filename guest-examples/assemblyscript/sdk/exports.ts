// The core exports every routing script needs besides its routes. Re-export them from the entry file:
//   export * from '../../sdk/exports';
// `kemi-wasm build` then renames the routes to their WIT names and drops __ksr_lift_string.
import { liftString } from './abi';

/** The allocator the host hands strings to the guest with (canonical ABI). Heap blocks are 16-byte aligned. */
export function cabi_realloc(oldPtr: usize, oldSize: usize, align: usize, newSize: usize): usize {
  if (align > 16) unreachable();
  if (newSize === 0) {
    if (oldSize !== 0) heap.free(oldPtr);
    // A non-null dangling pointer, as for Rust: empty strings are never freed (see liftString).
    return align;
  }
  if (oldSize === 0) return heap.alloc(newSize);
  return heap.realloc(oldPtr, newSize);
}

/** Lifts the (ptr, len) string parameter of an exported route; called by the glue the build adds. */
export function __ksr_lift_string(ptr: usize, len: usize): string {
  return liftString(ptr, len);
}
