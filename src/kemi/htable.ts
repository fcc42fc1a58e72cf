// KSR htable: Kamailio's shared hash tables, one set per tenant (src/state/htable.ts). A table must be
// declared in the configuration; the functions name a table of the route context's tenant and nothing
// else, so no call can reach another tenant's items. Failures (an undeclared table, a cap, sht-inc on a
// string) are logged with the reason, as Kamailio does, and answer -1 (-255 for sht-inc / sht-dec).
import type { Htable, HtValue } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule } from './define.ts';
import { hostLog } from './host-log.ts';
import { MAX_INPUT_BYTES } from './script-regex.ts';

/** What sht-inc and sht-dec answer on failure (Kamailio's value). */
export const HT_ADD_FAILED = -255;

/** The context tenant's table `name`, or undefined (logged) when the tenant did not declare it. */
export function tenantTable(ctx: RouteContext, name: string): Htable | undefined {
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

/** Writes an item (undefined removes it); false, logged, when the table is undeclared or the write refused. */
export function writeItem(ctx: RouteContext, name: string, key: string, value: HtValue | undefined): boolean {
  const table = tenantTable(ctx, name);
  if (table === undefined) return false;
  if (value === undefined) {
    table.remove(key);
    return true;
  }
  const written = table.set(key, value);
  if (!written.ok)
    hostLog(
      ctx,
      'error',
      'htable',
      { ksr: 'htable', htable: name, refused: written.error.code },
      written.error.message,
    );
  return written.ok;
}

const code = (ok: boolean) => (ok ? 1 : -1);

function add(ctx: RouteContext, name: string, key: string, delta: number): number {
  const table = tenantTable(ctx, name);
  if (table === undefined) return HT_ADD_FAILED;
  const added = table.add(key, delta);
  if (added.ok) return added.value;
  hostLog(
    ctx,
    'error',
    'htable',
    { ksr: 'htable', htable: name, refused: added.error.code },
    added.error.message,
  );
  return HT_ADD_FAILED;
}

/** Removes the items whose key (or string value) matches `re`; -1 for a refused pattern. */
function removeMatching(ctx: RouteContext, name: string, re: string, by: 'key' | 'value'): number {
  const table = tenantTable(ctx, name);
  if (table === undefined) return -1;
  const regex = ctx.host.regexes.compile(re);
  if (!regex.ok) {
    hostLog(ctx, 'error', 'htable', { ksr: 'htable', htable: name }, regex.error);
    return -1;
  }
  const matches = (text: string) => text.length <= MAX_INPUT_BYTES && regex.value.test(text);
  table.removeWhere((key, value) =>
    by === 'key' ? matches(key) : typeof value === 'string' && matches(value),
  );
  return 1;
}

function matchName(ctx: RouteContext, name: string, op: string, value: string): number {
  const table = tenantTable(ctx, name);
  if (table === undefined) return -1;
  switch (op) {
    case 'eq':
      return code(table.get(value) !== undefined);
    case 'sw':
      return code(table.someKey((key) => key.startsWith(value)));
    case 're': {
      const regex = ctx.host.regexes.compile(value);
      if (!regex.ok) {
        hostLog(ctx, 'error', 'htable', { ksr: 'htable', htable: name }, regex.error);
        return -1;
      }
      return code(table.someKey((key) => key.length <= MAX_INPUT_BYTES && regex.value.test(key)));
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

const read = (ctx: RouteContext, name: string, key: string) => tenantTable(ctx, name)?.get(key);

export const htable = defineModule('htable', {
  'sht-get': (ctx, t, k) => {
    const value = read(ctx, t, k);
    return value === undefined ? undefined : String(value);
  },
  'sht-gete': (ctx, t, k) => {
    const value = read(ctx, t, k);
    return value === undefined ? '' : String(value);
  },
  'sht-sets': (ctx, t, k, v) => code(writeItem(ctx, t, k, v)),
  'sht-seti': (ctx, t, k, v) => code(writeItem(ctx, t, k, v)),
  'sht-inc': (ctx, t, k) => add(ctx, t, k, 1),
  'sht-dec': (ctx, t, k) => add(ctx, t, k, -1),
  'sht-rm': (ctx, t, k) => {
    const table = tenantTable(ctx, t);
    table?.remove(k);
    return code(table !== undefined);
  },
  'sht-is-null': (ctx, t, k) => {
    const table = tenantTable(ctx, t);
    return code(table !== undefined && table.get(k) === undefined);
  },
  'sht-reset': (ctx, t) => {
    const table = tenantTable(ctx, t);
    table?.reset();
    return code(table !== undefined);
  },
  'sht-rm-name-re': (ctx, t, re) => removeMatching(ctx, t, re, 'key'),
  'sht-rm-value-re': (ctx, t, re) => removeMatching(ctx, t, re, 'value'),
  'sht-match-name': (ctx, t, op, v) => matchName(ctx, t, op, v),
});
