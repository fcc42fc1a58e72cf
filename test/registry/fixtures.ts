// Upload fixtures: the hello examples as built components, and a route whose replies name its version.
// The stamped route is built once (AssemblyScript); each version is the same component with the 8-digit
// placeholder in its data replaced, so every version has its own bytes, sha256 and reply header.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGuest } from '../../src/builder/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The 8 characters each stamped version replaces with its number. */
export const PLACEHOLDER = 'VVVVVVVV';

/** The route of every stamped version: request route answers 200 with `X-Version: <version>`. */
const STAMPED_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  KSR.hdr.append_to_reply('X-Version: ${PLACEHOLDER}\\r\\n');
  KSR.sl.sl_send_reply(200, 'OK');
}

export function reply_route(): void {
  KSR.hdr.append('X-Reply-Version: ${PLACEHOLDER}\\r\\n');
}

export function named_route(name: string): void {
  KSR.info('named route ' + name + ' on ${PLACEHOLDER}');
}
`;

/**
 * A stateful proxy route whose relayed requests carry `X-Req-Version: <version>` and whose onreply route
 * adds `X-Reply-Version: <version>` to the replies it forwards; relays to the configured PRIMARY.
 */
export const STAMPED_PROXY_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

export function request_route(): void {
  if (KSR.is_method('CANCEL')) {
    if (KSR.tm.t_check_trans() > 0) relay();
    return KSR.x.exit();
  }
  if (KSR.siputils.has_totag() > 0) {
    if (KSR.rr.loose_route() > 0) return relay();
    if (KSR.is_method('ACK')) {
      if (KSR.tm.t_check_trans() > 0) relay();
      return KSR.x.exit();
    }
    KSR.sl.sl_send_reply(404, 'Not here');
    return KSR.x.exit();
  }
  KSR.hdr.remove('Route');
  if (KSR.is_method('INVITE')) KSR.rr.record_route();
  const primary = KSR.kx.get_def('PRIMARY');
  if (primary === null) {
    KSR.sl.sl_send_reply(500, 'No PRIMARY');
    return KSR.x.exit();
  }
  KSR.setdsturi(primary);
  relay();
}

function relay(): void {
  KSR.hdr.append('X-Req-Version: ${PLACEHOLDER}\\r\\n');
  KSR.tm.t_on_reply('stamp');
  if (KSR.tm.t_relay() < 0) KSR.sl.sl_reply_error();
  KSR.x.exit();
}

export function reply_route(): void {}

export function named_route(name: string): void {
  if (name === 'stamp') KSR.hdr.append('X-Reply-Version: ${PLACEHOLDER}\\r\\n');
}
`;

/**
 * Counts calls per caller in htable `calls` and remembers the last caller in `$sht(calls=>last)`; answers
 * with what it found. Every tenant declares a table named `calls`.
 */
export const HTABLE_ROUTE = `
import { KSR } from '../../sdk';

export * from '../../sdk/exports';

function orNull(value: string | null): string {
  return value === null ? 'null' : value;
}

export function request_route(): void {
  const user = orNull(KSR.pv.get('$rU'));
  const last = KSR.pv.get('$sht(calls=>last)');
  const count = KSR.htable.sht_inc('calls', user);
  KSR.pv.sets('$sht(calls=>last)', user);
  KSR.htable.sht_sets('calls', 'user:' + user, 'seen');
  KSR.hdr.append_to_reply('X-Count: ' + count.toString() + '\\r\\n');
  KSR.hdr.append_to_reply('X-Last: ' + orNull(last) + '\\r\\n');
  KSR.hdr.append_to_reply('X-Get: ' + orNull(KSR.htable.sht_get('calls', user)) + '\\r\\n');
  KSR.hdr.append_to_reply('X-Seen-Alice: ' + KSR.htable.sht_is_null('calls', 'user:alice').toString() + '\\r\\n');
  KSR.hdr.append_to_reply('X-Undeclared: ' + KSR.htable.sht_sets('other', 'k', 'v').toString() + '\\r\\n');
  KSR.hdr.append_to_reply('X-Build: ${PLACEHOLDER}\\r\\n');
  KSR.sl.sl_send_reply(200, 'OK');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

export interface StampedRoute {
  /** The component whose replies carry `X-Version: <version, 8 digits>`. */
  stamp(version: number): Uint8Array;
}

const built = new Map<string, Promise<StampedRoute>>();

/** Builds the stamped route once per source (and process); `stamp(n)` is then a byte substitution. */
export function buildStampedRoute(source = STAMPED_ROUTE): Promise<StampedRoute> {
  let route = built.get(source);
  if (!route) {
    route = build(source);
    built.set(source, route);
  }
  return route;
}

async function build(source: string): Promise<StampedRoute> {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-stamped-'));
  cpSync(join(root, 'guest-examples/assemblyscript/sdk'), join(dir, 'sdk'), { recursive: true });
  const project = join(dir, 'stamped');
  mkdirSync(join(project, 'assembly'), { recursive: true });
  writeFileSync(join(project, 'asconfig.json'), JSON.stringify({ entries: ['assembly/index.ts'] }));
  writeFileSync(join(project, 'assembly/index.ts'), source);
  const built = await buildGuest(project, { out: join(dir, 'stamped.wasm') });
  if (!built.ok) throw new Error(`stamped route: ${built.error.message}\n${built.error.output ?? ''}`);
  const template = built.value.component;
  // AssemblyScript keeps string literals as UTF-16LE.
  const needle = Buffer.from(PLACEHOLDER, 'utf16le');
  const offsets: number[] = [];
  for (
    let at = Buffer.from(template).indexOf(needle);
    at >= 0;
    at = Buffer.from(template).indexOf(needle, at + 1)
  ) {
    offsets.push(at);
  }
  if (offsets.length === 0) throw new Error('stamped route: placeholder not found in the component');
  return {
    stamp(version: number): Uint8Array {
      const bytes = template.slice();
      const digits = Buffer.from(versionStamp(version), 'utf16le');
      for (const at of offsets) bytes.set(digits, at);
      return bytes;
    },
  };
}

/** The header value a stamped version replies with. */
export function versionStamp(version: number): string {
  return String(version).padStart(8, '0');
}

/** The hello examples as shipped (built by the bundled-route logic or the examples' build folders). */
export async function helloComponent(language: 'assemblyscript' | 'rust', out: string): Promise<Uint8Array> {
  const built = await buildGuest(join(root, `guest-examples/${language}/hello`), { out });
  if (!built.ok) throw new Error(built.error.message);
  return built.value.component;
}

/**
 * `component` with a custom section of `bytes` zero bytes added to each of its core modules: a valid upload
 * that costs the compile (jco's validator copies each module into its WebAssembly memory, the rewriter into
 * buffers) several times its size in memory outside the JS heap.
 */
export function padCoreModules(component: Uint8Array, bytes: number): Uint8Array {
  const custom = (size: number) => {
    const name = [4, ...new TextEncoder().encode('pad!')];
    return concat([Uint8Array.from([0, ...leb(name.length + size), ...name]), new Uint8Array(size)]);
  };
  const parts: Uint8Array[] = [component.subarray(0, 8)];
  let i = 8;
  while (i < component.length) {
    const id = component[i];
    let j = i + 1;
    let size = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = component[j++];
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    const body = component.subarray(j, j + size);
    if (id === 1) {
      // A core module section: the module, then the custom section, under a new size.
      const padded = concat([body, custom(bytes)]);
      parts.push(Uint8Array.from([1, ...leb(padded.length)]), padded);
    } else parts.push(component.subarray(i, j + size));
    i = j + size;
  }
  return concat(parts);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
