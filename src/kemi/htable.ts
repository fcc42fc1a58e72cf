// KSR htable: Kamailio's shared hash tables, one set per tenant (src/state/htable.ts). A table must be
// declared in the configuration; the functions name a table of the route context's tenant and nothing
// else, so no call can reach another tenant's items. Failures (an undeclared table, a cap, sht-inc on a
// string) are logged with the reason, as Kamailio does, and answer -1 (-255 for sht-inc / sht-dec).
// A table kept in the cluster's Redis (src/state/redis-htable.ts) answers Promises: the same functions then
// answer a Promise of the same result, and the guest suspends (JSPI) until it settles.
import { type AnyHtable, Htable, type HtValue } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { MAX_INPUT_BYTES } from './script-regex.ts';

/** What sht-inc and sht-dec answer on failure (Kamailio's value). */
export const HT_ADD_FAILED = -255;

/** A value or a Promise of it: what the operations of an embedded or a Redis table answer. */
type Maybe<T> = T | Promise<T>;

/** `then` applied at once to a value, after it settles to a Promise: the embedded path stays synchronous. */
function settle<T, R>(value: Maybe<T>, then: (value: T) => R): Maybe<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/** The context tenant's table `name`, or undefined (logged) when the tenant did not declare it. */
export function tenantTable(ctx: RouteContext, name: string): AnyHtable | undefined {
  const table = ctx.host.htables?.tenant(ctx.tenant)?.table(name);
  if (table === undefined) {
    hostLog(
      ctx,
      'error',
      'htable',
      { ksr: 'htable', htable: name },
      `htable '${name}' is not declared for tenant '${ctx.tenant ?? '(none)'}'`,
    );
  }
  return table;
}

/**
 * The context tenant's table `name` when it is in this node (pseudo-variables read synchronously): a table
 * in the cluster's Redis is refused, logged, naming the KSR function to use instead.
 */
export function localTable(ctx: RouteContext, name: string, via: string): Htable | undefined {
  const table = tenantTable(ctx, name);
  if (table === undefined || table instanceof Htable) return table;
  hostLog(
    ctx,
    'error',
    'htable',
    { ksr: 'htable', htable: name },
    `${via}: htable '${name}' is kept in the cluster's Redis: use KSR.htable.sht_get / sht_sets / sht_seti`,
  );
  return undefined;
}

/** Writes an item (undefined removes it); false, logged, when the table is undeclared or the write refused. */
export function writeItem(
  ctx: RouteContext,
  name: string,
  key: string,
  value: HtValue | undefined,
): Maybe<boolean> {
  const table = tenantTable(ctx, name);
  if (table === undefined) return false;
  if (value === undefined) return settle(table.remove(key), (removed) => removed !== undefined);
  return settle(table.set(key, value), (written) => {
    if (!written.ok)
      hostLog(
        ctx,
        'error',
        'htable',
        { ksr: 'htable', htable: name, refused: written.error.code },
        written.error.message,
      );
    return written.ok;
  });
}

const code = (ok: boolean) => (ok ? 1 : -1);

function add(ctx: RouteContext, name: string, key: string, delta: number): Maybe<number> {
  const table = tenantTable(ctx, name);
  if (table === undefined) return HT_ADD_FAILED;
  return settle(table.add(key, delta), (added) => {
    if (added.ok) return added.value;
    hostLog(
      ctx,
      'error',
      'htable',
      { ksr: 'htable', htable: name, refused: added.error.code },
      added.error.message,
    );
    return HT_ADD_FAILED;
  });
}

/** Removes the items whose key (or string value) matches `re`; -1 for a refused pattern. */
function removeMatching(ctx: RouteContext, name: string, re: string, by: 'key' | 'value'): Maybe<number> {
  const table = tenantTable(ctx, name);
  if (table === undefined) return -1;
  const regex = ctx.host.regexes.compile(re);
  if (!regex.ok) {
    hostLog(ctx, 'error', 'htable', { ksr: 'htable', htable: name }, regex.error);
    return -1;
  }
  const matches = (text: string) => text.length <= MAX_INPUT_BYTES && regex.value.test(text);
  const removed = table.removeWhere(
    (key, value) => (by === 'key' ? matches(key) : typeof value === 'string' && matches(value)),
    by === 'value',
  );
  return settle(removed, (n) => code(n !== undefined));
}

function matchName(ctx: RouteContext, name: string, op: string, value: string): Maybe<number> {
  const table = tenantTable(ctx, name);
  if (table === undefined) return -1;
  switch (op) {
    case 'eq':
      return settle(table.get(value), (v) => code(v !== undefined));
    case 'sw':
      return settle(
        table.someKey((key) => key.startsWith(value)),
        (found) => code(found === true),
      );
    case 're': {
      const regex = ctx.host.regexes.compile(value);
      if (!regex.ok) {
        hostLog(ctx, 'error', 'htable', { ksr: 'htable', htable: name }, regex.error);
        return -1;
      }
      return settle(
        table.someKey((key) => key.length <= MAX_INPUT_BYTES && regex.value.test(key)),
        (found) => code(found === true),
      );
    }
    default:
      hostLog(
        ctx,
        'error',
        'htable',
        { ksr: 'htable', htable: name },
        `sht-match-name: unknown operator '${op}' (eq, sw, re)`,
      );
      return -1;
  }
}

const read = (ctx: RouteContext, name: string, key: string): Maybe<HtValue | undefined> =>
  tenantTable(ctx, name)?.get(key);

/**
 * The htable functions that may answer a Promise (a table in the cluster's Redis), as the linker names
 * them (`LinkerOptions.suspending`): every function reading or writing items.
 */
export const HTABLE_SUSPENDING: readonly string[] = [
  'sht-get',
  'sht-gete',
  'sht-sets',
  'sht-seti',
  'sht-inc',
  'sht-dec',
  'sht-rm',
  'sht-is-null',
  'sht-reset',
  'sht-rm-name-re',
  'sht-rm-value-re',
  'sht-match-name',
].map((fn) => `htable#${fn}`);

export const htable = defineModule('htable', {
  'sht-get': (ctx, t, k) => settle(read(ctx, t, k), (v) => (v === undefined ? undefined : String(v))),
  'sht-gete': (ctx, t, k) => settle(read(ctx, t, k), (v) => (v === undefined ? '' : String(v))),
  'sht-sets': (ctx, t, k, v) => settle(writeItem(ctx, t, k, v), code),
  'sht-seti': (ctx, t, k, v) => settle(writeItem(ctx, t, k, v), code),
  'sht-inc': (ctx, t, k) => add(ctx, t, k, 1),
  'sht-dec': (ctx, t, k) => add(ctx, t, k, -1),
  'sht-rm': (ctx, t, k) => {
    const table = tenantTable(ctx, t);
    if (table === undefined) return -1;
    return settle(table.remove(k), (removed) => code(removed !== undefined));
  },
  'sht-is-null': (ctx, t, k) => {
    const table = tenantTable(ctx, t);
    if (table === undefined) return -1;
    return settle(table.get(k), (v) => code(v === undefined));
  },
  'sht-reset': (ctx, t) => {
    const table = tenantTable(ctx, t);
    if (table === undefined) return -1;
    return settle(table.reset(), code);
  },
  'sht-rm-name-re': (ctx, t, re) => removeMatching(ctx, t, re, 'key'),
  'sht-rm-value-re': (ctx, t, re) => removeMatching(ctx, t, re, 'value'),
  'sht-match-name': (ctx, t, op, v) => matchName(ctx, t, op, v),
});
