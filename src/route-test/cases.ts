// The cases file of `kemi-wasm test` (docs/route-tests.md): YAML or JSON, a list of SIP messages with what
// the route must do with each. Cases run in order against one offline server, so state a route keeps
// (registrar bindings) carries from one case to the next.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { err, ok, type Result } from '../result.ts';

const peer = z
  .string()
  .regex(/^(udp|tcp):[^:]+:\d+$/, 'expected PROTO:ADDRESS:PORT, e.g. udp:192.0.2.1:5060')
  .transform((spec) => {
    const [proto, address, port] = spec.split(':');
    return { proto: proto as 'udp' | 'tcp', address, port: Number(port) };
  });

const expectation = z
  .object({
    /** Status of the reply to the sender (`404`), with its reason (`404 Not Found`), or `none`. */
    reply: z.union([z.number().int().min(100).max(699), z.string().regex(/^(\d{3}( .*)?|none)$/)]).optional(),
    /** `ADDRESS:PORT` the request is relayed to, or `none` (not relayed). */
    relayed_to: z
      .string()
      .regex(/^([^:]+:\d+|none)$/)
      .optional(),
    /** KSR calls that must happen in this order (others may come between), e.g. `tm.t_relay()`. */
    calls: z.array(z.string().min(1)).optional(),
    /** KSR functions that must not be called, by name (`tm.t_relay`, `is_method`). */
    not_calls: z
      .array(z.string().regex(/^\w+(\.\w+)?$/, 'expected a KSR function name, e.g. tm.t_relay'))
      .optional(),
  })
  .strict();

const testCase = z
  .object({
    name: z.string().min(1),
    message: z.string().min(1),
    from: peer.optional(),
    expect: expectation,
  })
  .strict();

export const casesFileSchema = z
  .object({
    /** Kamailio `#!define` values the route reads with KSR.kx.get_def. */
    defines: z.record(z.string(), z.string()).default({}),
    /** Domains is_myself accepts besides 127.0.0.1:5060. */
    domains: z.array(z.string().min(1)).default([]),
    cases: z.array(testCase).min(1),
  })
  .strict();

export type CasesFile = z.infer<typeof casesFileSchema>;
export type TestCase = CasesFile['cases'][number];
export type Expectation = TestCase['expect'];

export function parseCases(text: string, where: string): Result<CasesFile, string> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return err(`${where} does not parse: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = casesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`${where}: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  return ok(parsed.data);
}

export async function loadCases(path: string): Promise<Result<CasesFile, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return err(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return parseCases(text, path);
}
