// Wraps WIT doc text (the parser joins `///` lines into one) into comment lines of the generated code.

const WIDTH = 110;

/** `doc` as comment lines starting with `prefix` (`/// `, ` * `), no line longer than WIDTH if words allow. */
export function commentLines(doc: string, indent: string, prefix: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of doc.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + prefix.length + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${prefix}${l}`);
}

/** A JSDoc block: one line when it fits, else the wrapped form. */
export function jsDoc(doc: string, indent: string): string[] {
  if (!doc) return [];
  const safe = doc.replaceAll('*/', '*\\/');
  const single = `${indent}/** ${safe} */`;
  if (single.length <= WIDTH) return [single];
  return [`${indent}/**`, ...commentLines(safe, indent, ' * '), `${indent} */`];
}

/** Rust `///` lines. */
export function rustDoc(doc: string, indent: string): string[] {
  return doc ? commentLines(doc, indent, '/// ') : [];
}
