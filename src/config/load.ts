// Reads a TOML or YAML configuration file and validates it against the schema. Every problem is returned as
// one message that names the file and the key, so the CLI can print it as it is.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type Config, configSchema } from './schema.ts';

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

export async function loadConfig(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return {
      ok: false,
      error: `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    };
  }
  const format = extname(path).toLowerCase();
  let raw: unknown;
  try {
    if (format === '.toml') raw = parseToml(text);
    else if (format === '.yaml' || format === '.yml') raw = parseYaml(text);
    else
      return {
        ok: false,
        error: `config file ${path}: unknown format '${format}', use .toml, .yaml or .yml`,
      };
  } catch (err) {
    return {
      ok: false,
      error: `config file ${path} is not valid ${format.slice(1).toUpperCase()}: ${(err as Error).message}`,
    };
  }
  return validateConfig(raw ?? {}, path);
}

/** Validates an already parsed object (also used for the defaults and for command-line overrides). */
export function validateConfig(raw: unknown, source = 'config'): ConfigResult {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, error: `${source}: ${formatIssues(parsed.error.issues)}` };
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
