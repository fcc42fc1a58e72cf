// A reader for the WIT subset kemi-wasm's contract uses: one package, interfaces of plain functions, one
// world of imports and exported functions. It feeds the runtime's world check, the generated guest SDKs and
// the API docs, so all of them follow wit/ksr.wit.
import { readFileSync } from 'node:fs';

export interface WitParam {
  readonly name: string;
  readonly type: string;
}

export interface WitFunction {
  readonly name: string;
  readonly doc: string;
  readonly params: readonly WitParam[];
  /** 'none' for a function without result, else the WIT type text (`s32`, `option<string>`). */
  readonly result: string;
}

export interface WitInterface {
  readonly name: string;
  readonly doc: string;
  readonly functions: readonly WitFunction[];
}

export interface WitWorld {
  readonly name: string;
  readonly doc: string;
  /** Imported interfaces, as written in the world (`core`, or `kemi:ksr/core@0.1.0` when qualified). */
  readonly imports: readonly string[];
  readonly exports: readonly WitFunction[];
}

export interface WitPackage {
  /** `kemi:ksr` */
  readonly name: string;
  /** `0.1.0`, or '' when the package has no version. */
  readonly version: string;
  readonly interfaces: readonly WitInterface[];
  readonly worlds: readonly WitWorld[];
}

export class WitSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.line = line;
  }
}

const FUNCTION = /^(?:export\s+)?([a-z][a-zA-Z0-9-]*)\s*:\s*func\s*\((.*)\)\s*(?:->\s*(.+?))?\s*;$/;

/** Parses WIT source text. Throws WitSyntaxError for anything outside the subset. */
export function parseWit(source: string): WitPackage {
  let name = '';
  let version = '';
  const interfaces: WitInterface[] = [];
  const worlds: WitWorld[] = [];
  let docs: string[] = [];
  let block:
    | { kind: 'interface' | 'world'; name: string; doc: string; functions: WitFunction[]; imports: string[] }
    | undefined;

  const lines = source.split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line.startsWith('///')) {
      docs.push(line.slice(3).trim());
      return;
    }
    if (line === '' || line.startsWith('//')) return;
    const doc = docs.join(' ');
    docs = [];

    const pkg = /^package\s+([a-z][a-z0-9-]*:[a-z][a-z0-9-]*)(?:@([0-9A-Za-z.+-]+))?\s*;$/.exec(line);
    if (pkg && !block) {
      name = pkg[1];
      version = pkg[2] ?? '';
      return;
    }
    const open = /^(interface|world)\s+([a-z][a-z0-9-]*)\s*\{$/.exec(line);
    if (open && !block) {
      block = { kind: open[1] as 'interface' | 'world', name: open[2], doc, functions: [], imports: [] };
      return;
    }
    if (line === '}' && block) {
      if (block.kind === 'interface')
        interfaces.push({ name: block.name, doc: block.doc, functions: block.functions });
      else
        worlds.push({ name: block.name, doc: block.doc, imports: block.imports, exports: block.functions });
      block = undefined;
      return;
    }
    if (!block) throw new WitSyntaxError(`unexpected '${line}' outside an interface or world`, lineNo);

    const imported = /^import\s+([a-z][a-z0-9:/@.-]*)\s*;$/.exec(line);
    if (imported && block.kind === 'world') {
      block.imports.push(imported[1]);
      return;
    }
    const func = FUNCTION.exec(line);
    if (func && (block.kind === 'interface') === !line.startsWith('export')) {
      block.functions.push({
        name: func[1],
        doc,
        params: parseParams(func[2], lineNo),
        result: func[3] ?? 'none',
      });
      return;
    }
    throw new WitSyntaxError(`unsupported WIT in ${block.kind} ${block.name}: '${line}'`, lineNo);
  });
  if (block) throw new WitSyntaxError(`${block.kind} ${block.name} is not closed`, lines.length);
  if (!name) throw new WitSyntaxError('no package declaration', 1);
  return { name, version, interfaces, worlds };
}

function parseParams(text: string, lineNo: number): WitParam[] {
  const params: WitParam[] = [];
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  for (const part of parts) {
    if (part.trim() === '') continue;
    const m = /^\s*([a-z][a-z0-9-]*)\s*:\s*(.+?)\s*$/.exec(part);
    if (!m) throw new WitSyntaxError(`malformed parameter '${part.trim()}'`, lineNo);
    params.push({ name: m[1], type: m[2] });
  }
  return params;
}

/** `kemi:ksr/core@0.1.0`: the name a core module imports an interface of the package under. */
export function qualifiedName(pkg: WitPackage, iface: string): string {
  return `${pkg.name}/${iface}${pkg.version ? `@${pkg.version}` : ''}`;
}

const contractPath = new URL('../../wit/ksr.wit', import.meta.url);

/** The KSR contract, wit/ksr.wit, parsed once. */
export const ksrPackage: WitPackage = parseWit(readFileSync(contractPath, 'utf8'));
