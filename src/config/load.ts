// Reads a TOML or YAML configuration file and validates it against the schema. Every problem is returned as
// one message that names the file and the key, so the CLI can print it as it is.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import { type Config, configSchema } from './schema.ts';

export async function loadConfig(path: string): Promise<Result<Config>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return err(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const format = extname(path).toLowerCase();
  let raw: unknown;
  try {
    if (format === '.toml') raw = parseToml(text);
    // The YAML parser is imported for a YAML file only: a TOML-configured server does not keep it.
    else if (format === '.yaml' || format === '.yml') raw = (await import('yaml')).parse(text);
    else return err(`config file ${path}: unknown format '${format}', use .toml, .yaml or .yml`);
  } catch (error) {
    return err(
      `config file ${path} is not valid ${format.slice(1).toUpperCase()}: ${(error as Error).message}`,
    );
  }
  return validateConfig(raw ?? {}, path);
}

/** Validates an already parsed object (also used for the defaults and for command-line overrides). */
export function validateConfig(raw: unknown, source = 'config'): Result<Config> {
  const renamed = renameKeys(raw);
  if (!renamed.ok) return err(`${source}: ${renamed.error}`);
  const parsed = configSchema.safeParse(renamed.value.raw);
  if (!parsed.success) return err(`${source}: ${formatIssues(parsed.error.issues)}`);
  return ok({ ...parsed.data, warnings: renamed.value.warnings.map((w) => `${source}: ${w}`) });
}

/** Keys that were renamed, old -> new: the old name still works, with a warning naming the new one. */
const RENAMED: readonly (readonly [string, string])[] = [['route', 'module']];

/**
 * The raw configuration with renamed keys under their new names (top level and in each tenant), and a
 * warning for each; both names given at once is an error, since they would disagree.
 */
function renameKeys(raw: unknown): Result<{ raw: unknown; warnings: string[] }> {
  const warnings: string[] = [];
  const rename = (table: unknown, where: string): Result<unknown> => {
    if (typeof table !== 'object' || table === null || Array.isArray(table)) return ok(table);
    let out = table as Record<string, unknown>;
    for (const [old, now] of RENAMED) {
      if (!(old in out)) continue;
      if (now in out) return err(`${where}${old}: give '${now}' only ('${old}' is its old name)`);
      const { [old]: value, ...rest } = out;
      out = { ...rest, [now]: value };
      warnings.push(`'${where}${old}' is deprecated: rename it '${where}${now}'`);
    }
    return ok(out);
  };
  const top = rename(raw, '');
  if (!top.ok) return top;
  const config = top.value as Record<string, unknown> | undefined;
  const tenants = config?.tenants;
  if (!Array.isArray(tenants)) return ok({ raw: top.value, warnings });
  const renamedTenants: unknown[] = [];
  for (const [i, tenant] of tenants.entries()) {
    const r = rename(tenant, `tenants[${i}].`);
    if (!r.ok) return r;
    renamedTenants.push(r.value);
  }
  return ok({ raw: { ...config, tenants: renamedTenants }, warnings });
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const key = issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      if (issue.code === 'unrecognized_keys') {
        const where = key ? ` in ${key}` : '';
        return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${where}`;
      }
      return `${key || '(top level)'}: ${issue.message}`;
    })
    .join('; ');
}
