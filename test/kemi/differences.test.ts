// docs/ksr-api.md's "Differences from Kamailio" is generated from src/kemi/differences.ts: each entry must name
// a function the host tables implement, or, marked absent, one wit/ksr.wit does not have; the generated docs
// carry every entry (test/builder/generated.test.ts keeps the file itself up to date).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KAMAILIO_DIFFERENCES } from '../../src/kemi/differences.ts';
import { ksrModules } from '../../src/kemi/index.ts';
import { ksrPackage } from '../../src/runtime/wit.ts';

const implemented = new Set(ksrModules.flatMap((m) => m.functions.map((f) => `${m.name}.${f.name}`)));
const inWit = new Set(ksrPackage.interfaces.flatMap((i) => i.functions.map((f) => `${i.name}.${f.name}`)));
const isFunction = (ksr: string) => /^[a-z]+\.[A-Za-z0-9-]+$/.test(ksr);

describe('the differences from Kamailio', () => {
  it.each(KAMAILIO_DIFFERENCES.map((d) => [d.ksr, d]))('%s names what it describes', (_, d) => {
    if (d.absent) {
      expect(isFunction(d.ksr)).toBe(true);
      expect(inWit.has(d.ksr), `${d.ksr} is in wit/ksr.wit now: drop the entry`).toBe(false);
    } else if (isFunction(d.ksr)) {
      expect(implemented.has(d.ksr), `${d.ksr} is no KSR function`).toBe(true);
    } else {
      expect(d.ksr).toMatch(/^\$[a-z]+/);
    }
  });

  it('are each listed once, all in docs/ksr-api.md', () => {
    const names = KAMAILIO_DIFFERENCES.map((d) => d.ksr);
    expect(new Set(names).size).toBe(names.length);
    const docs = readFileSync(new URL('../../docs/ksr-api.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('## Differences from Kamailio'));
    for (const d of KAMAILIO_DIFFERENCES) expect(section).toContain(d.difference.slice(0, 40));
  });
});
