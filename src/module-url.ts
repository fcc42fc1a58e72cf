// The URL of a sibling module (a worker's entry file) that works both from the sources (`.ts`, run with
// Node's type stripping in a clone) and from the compiled package (`.js` in dist/, tsc does not rewrite
// the extension inside `new URL(...)`).
export function siblingModule(name: string, importMetaUrl: string): URL {
  const extension = importMetaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, importMetaUrl);
}
