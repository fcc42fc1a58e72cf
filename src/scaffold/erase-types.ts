// TypeScript to JavaScript for `kemi-wasm init --lang js`: the example of each template is written once, in
// TypeScript, and the JavaScript project gets the same source with its type syntax removed, its comments and
// layout kept. Node's stripTypeScriptTypes (strip mode) blanks the types out with spaces in place; the
// characters it blanked are then deleted, so `name: string)` reads `name)` instead of `name        )`.
import { stripTypeScriptTypes } from 'node:module';

const SPACE = /[ \t]/;
/** After these, a space left in front of the removed syntax would dangle (`y as T;` -> `y;`). */
const CLOSER = /[;,)\]}\n]/;

export function eraseTypes(typescript: string): string {
  // Node announces stripTypeScriptTypes as experimental on stderr, which `kemi-wasm init` would print.
  const emitWarning = process.emitWarning;
  let stripped: string;
  try {
    process.emitWarning = () => {};
    stripped = stripTypeScriptTypes(typescript, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
  // Spans [start, end) of blanked syntax; blanks between two spans on one line belong to them.
  const spans: [number, number][] = [];
  for (let i = 0; i < stripped.length; i++) {
    if (!(stripped[i] === ' ' && typescript[i] !== ' ')) continue;
    let end = i + 1;
    for (;;) {
      while (end < stripped.length && stripped[end] === ' ' && typescript[end] !== ' ') end++;
      let gap = end;
      while (gap < stripped.length && SPACE.test(typescript[gap]) && stripped[gap] === typescript[gap]) gap++;
      if (gap > end && gap < stripped.length && stripped[gap] === ' ' && typescript[gap] !== ' ') end = gap;
      else break;
    }
    let start = i;
    if (CLOSER.test(stripped[end] ?? '\n')) while (start > 0 && SPACE.test(stripped[start - 1])) start--;
    spans.push([start, end]);
    i = end - 1;
  }
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += stripped.slice(at, start);
    at = end;
  }
  out += stripped.slice(at);
  // Lines that held only type syntax (an interface, `import type`) go, not the blank lines of the source.
  const before = typescript.split('\n');
  const after = out.split('\n');
  if (before.length !== after.length) return out;
  return after.filter((line, n) => line.trim() !== '' || before[n].trim() === '').join('\n');
}
