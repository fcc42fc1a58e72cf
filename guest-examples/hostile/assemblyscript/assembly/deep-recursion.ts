// Attacks the call stack: recursion without end. The addition after the call keeps it from being turned
// into a loop, and `depth` (a global) keeps the optimizer from folding it.
let depth: i32 = 0;

function dive(n: i32): i32 {
  depth = n;
  if (n === 0) return 0;
  return dive(n - 1) + depth;
}

export function deepRecursion(): void {
  depth = dive(i32.MAX_VALUE);
}
