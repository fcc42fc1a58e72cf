// Reads a TOML or YAML configuration file and validates it against the schema. Every problem is returned as
// one message that names the file and the key, so the CLI can print it as it is.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
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
    else if (format === '.yaml' || format === '.yml') raw = parseYaml(text);
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
  const parsed = configSchema.safeParse(raw);
  return parsed.success ? ok(parsed.data) : err(`${source}: ${formatIssues(parsed.error.issues)}`);
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
