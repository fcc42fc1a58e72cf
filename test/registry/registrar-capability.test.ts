// `registrar` is a capability like every other KSR interface: a tenant whose allow-list leaves it out
// cannot load the registrar example; one that grants it can.
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { ModuleCompiler } from '../../src/registry/index.ts';
import { type Opened, openRegistry, spec } from './helpers/setup.ts';

const compiler = new ModuleCompiler();
const opened: Opened[] = [];
let component: Uint8Array;
const ALL_BUT_REGISTRAR = ksrModules.map((m) => m.name).filter((name) => name !== 'registrar');

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-registrar-cap-'));
  const built = await buildGuest('guest-examples/assemblyscript/registrar', { out: join(dir, 'r.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  component = await readFile(built.value.out);
}, 60_000);

afterAll(async () => {
  for (const o of opened.splice(0)) await o.close();
  compiler.close();
});

describe('the registrar capability', () => {
  it('is refused to a tenant that was not granted it, naming the interface', async () => {
    const o = await openRegistry(compiler, [spec('acme', { capabilities: ALL_BUT_REGISTRAR })]);
    opened.push(o);
    const up = await o.registry.upload('acme', component, { by: 'test', activate: true });
    expect(up).toMatchObject({ ok: false, error: { code: 'capability' } });
    expect(!up.ok && up.error.message).toMatch(/registrar/);
  });

  it('is granted with the others', async () => {
    const o = await openRegistry(compiler, [
      spec('acme', { capabilities: [...ALL_BUT_REGISTRAR, 'registrar'] }),
    ]);
    opened.push(o);
    const up = await o.registry.upload('acme', component, { by: 'test', activate: true });
    expect(up.ok).toBe(true);
  });
});
