// KSR htable: Kamailio's shared hash tables, one set per tenant (src/state/htable.ts). A table must be
// declared in the configuration; the functions name a table of the route context's tenant and nothing
// else, so no call can reach another tenant's items. Failures (an undeclared table, a cap, sht-inc on a
// string) are logged with the reason, as Kamailio does, and answer -1 (-255 for sht-inc / sht-dec).
import type { Htable, HtValue } from '../state/index.ts';
import type { RouteContext } from './context.ts';
import { defineModule, fn } from './define.ts';
import { MAX_INPUT_BYTES, scriptRegex } from './script-regex.ts';

/** What sht-inc and sht-dec answer on failure (Kamailio's value). */
export const HT_ADD_FAILED = -255;

/** The context tenant's table `name`, or undefined (logged) when the tenant did not declare it. */
export function tenantTable(ctx: RouteContext, name: string): Htable | undefined {
  const table = ctx.host.htables?.tenant(ctx.tenant)?.table(name);
  if (table === undefined) {
    ctx.log.error(
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
    ctx.log.error({ ksr: 'htable', htable: name, refused: written.error.code }, written.error.message);
  return written.ok;
}

const code = (ok: boolean) => (ok ? 1 : -1);

function add(ctx: RouteContext, name: string, key: string, delta: number): number {
  const table = tenantTable(ctx, name);
  if (table === undefined) return HT_ADD_FAILED;
  const added = table.add(key, delta);
  if (added.ok) return added.value;
  ctx.log.error({ ksr: 'htable', htable: name, refused: added.error.code }, added.error.message);
  return HT_ADD_FAILED;
}

/** Removes the items whose key (or string value) matches `re`; -1 for a refused pattern. */
function removeMatching(ctx: RouteContext, name: string, re: string, by: 'key' | 'value'): number {
  const table = tenantTable(ctx, name);
  if (table === undefined) return -1;
  const regex = scriptRegex(re);
  if (typeof regex === 'string') {
    ctx.log.error({ ksr: 'htable', htable: name }, regex);
    return -1;
  }
  const matches = (text: string) => text.length <= MAX_INPUT_BYTES && regex.test(text);
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
      const regex = scriptRegex(value);
      if (typeof regex === 'string') {
        ctx.log.error({ ksr: 'htable', htable: name }, regex);
        return -1;
      }
      return code(table.someKey((key) => key.length <= MAX_INPUT_BYTES && regex.test(key)));
    }
    default:
      ctx.log.error({ ksr: 'htable', htable: name }, `sht-match-name: unknown operator '${op}' (eq, sw, re)`);
      return -1;
  }
}

const read = (ctx: RouteContext, name: string, key: string) => tenantTable(ctx, name)?.get(key);

const TABLE_KEY = [
  ['table', 'string'],
  ['key', 'string'],
] as const;

export const htable = defineModule(
  'htable',
  "Hash tables that outlive a message and a module version (Kamailio's KSR.htable), declared per tenant.",
  [
    fn(
      'sht-get',
      'The value of the item (integers in decimal), or none.',
      TABLE_KEY,
      'option<string>',
      (ctx, t, k) => {
        const value = read(ctx, t, k);
        return value === undefined ? undefined : String(value);
      },
    ),
    fn('sht-gete', 'The value of the item, or "".', TABLE_KEY, 'string', (ctx, t, k) => {
      const value = read(ctx, t, k);
      return value === undefined ? '' : String(value);
    }),
    fn(
      'sht-sets',
      'Set the item to a string; 1, or -1.',
      [...TABLE_KEY, ['value', 'string']],
      's32',
      (ctx, t, k, v) => code(writeItem(ctx, t, k, v)),
    ),
    fn(
      'sht-seti',
      'Set the item to an integer; 1, or -1.',
      [...TABLE_KEY, ['value', 's32']],
      's32',
      (ctx, t, k, v) => code(writeItem(ctx, t, k, v)),
    ),
    fn('sht-inc', 'Add 1 to an integer item; the new value, or -255.', TABLE_KEY, 's32', (ctx, t, k) =>
      add(ctx, t, k, 1),
    ),
    fn('sht-dec', 'Subtract 1 from an integer item; the new value, or -255.', TABLE_KEY, 's32', (ctx, t, k) =>
      add(ctx, t, k, -1),
    ),
    fn('sht-rm', 'Remove the item; 1, or -1.', TABLE_KEY, 's32', (ctx, t, k) => {
      const table = tenantTable(ctx, t);
      table?.remove(k);
      return code(table !== undefined);
    }),
    fn('sht-is-null', '1 if the item is absent, -1 if present.', TABLE_KEY, 's32', (ctx, t, k) => {
      const table = tenantTable(ctx, t);
      return code(table !== undefined && table.get(k) === undefined);
    }),
    fn('sht-reset', 'Remove every item of the table; 1, or -1.', [['table', 'string']], 's32', (ctx, t) => {
      const table = tenantTable(ctx, t);
      table?.reset();
      return code(table !== undefined);
    }),
    fn(
      'sht-rm-name-re',
      'Remove the items whose key matches the regular expression; 1, or -1.',
      [
        ['table', 'string'],
        ['re', 'string'],
      ],
      's32',
      (ctx, t, re) => removeMatching(ctx, t, re, 'key'),
    ),
    fn(
      'sht-rm-value-re',
      'Remove the string items whose value matches the regular expression; 1, or -1.',
      [
        ['table', 'string'],
        ['re', 'string'],
      ],
      's32',
      (ctx, t, re) => removeMatching(ctx, t, re, 'value'),
    ),
    fn(
      'sht-match-name',
      '1 if a key matches `value` by `op` ("eq", "sw" starts with, "re"), else -1.',
      [
        ['table', 'string'],
        ['op', 'string'],
        ['value', 'string'],
      ],
      's32',
      (ctx, t, op, v) => matchName(ctx, t, op, v),
    ),
  ],
);
