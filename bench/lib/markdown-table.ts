// A markdown table with padded columns (biome/prettier style), so the README's table is pasted as printed.

/** Display width: code points, not UTF-16 units (µ, –, → are one column each). */
const width = (s: string) => [...s].length;

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapePipes = (s: string) => s.replaceAll('|', '\\|');
  const all = [header, ...rows].map((r) => header.map((_, i) => escapePipes(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => width(r[i]))));
  const line = (r: readonly string[]) =>
    `| ${r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join(' | ')} |`;
  return [
    line(all[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...all.slice(1).map(line),
  ].join('\n');
}
