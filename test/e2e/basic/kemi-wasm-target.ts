// The kemi-wasm target: `kemi-wasm serve` with guest-examples/basic/kemi.toml as shipped, moved by the
// command line (--listen on an ephemeral loopback port, --module: the port under test, built here) and by
// a copy of the file that changes only what a test run must own: data_dir (a temporary directory), the
// admin listener (ephemeral, with a test token) and the rtpengine instance (the suite's). Subscribers and
// the trusted addresses are provisioned with the CLI (`kemi-wasm subscriber add`, `kemi-wasm address add`)
// as the README shows; the accounting rows are read with `kemi-wasm acc --json`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { buildGuest } from '../../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from '../harness.ts';
import { OPERATOR_TOKEN, runCli } from '../registry-server.ts';
import { type AccRow, BASIC_DOMAIN, type Provisioning, type Target, type TargetName } from './target.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const BASIC_TOML = join(root, 'guest-examples/basic/kemi.toml');

/** The port under test: the guest project each target builds. */
const PROJECTS: Record<Exclude<TargetName, 'kamailio'>, string> = {
  assemblyscript: 'guest-examples/assemblyscript/basic',
  rust: 'guest-examples/rust/basic',
};

interface AccRecord {
  method: string;
  from_tag: string;
  to_tag: string;
  callid: string;
  sip_code: string;
  sip_reason: string;
  extra: Record<string, string>;
}

export class KemiWasmTarget implements Target {
  readonly sip = { address: '127.0.0.1', port: 0 };
  private server: ServerProcess | undefined;
  private adminUrl = '';

  readonly name: Exclude<TargetName, 'kamailio'>;

  constructor(name: Exclude<TargetName, 'kamailio'>) {
    this.name = name;
  }

  async start(p: Provisioning): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), `kemi-e2e-basic-${this.name}-`));
    const built = await buildGuest(join(root, PROJECTS[this.name]), { out: join(dir, 'basic.wasm') });
    if (!built.ok) throw new Error(`${PROJECTS[this.name]}: ${built.error.message}`);
    const shipped = parseToml(readFileSync(BASIC_TOML, 'utf8')) as Record<string, unknown>;
    const domains = shipped.domains as string[];
    if (!domains.includes(BASIC_DOMAIN)) throw new Error(`${BASIC_TOML}: domains lacks ${BASIC_DOMAIN}`);
    const config = join(dir, 'kemi.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        ...shipped,
        data_dir: join(dir, 'data'),
        admin: { listen: '127.0.0.1:0', operator_token: OPERATOR_TOKEN },
        rtpengine: { instances: [{ sock: `udp:127.0.0.1:${p.rtpengine.ngPort}` }] },
      }),
    );
    this.server = await startServerProcess([
      '--config',
      config,
      '--listen',
      'udp:127.0.0.1:0',
      '--module',
      built.value.out,
    ]);
    (this.sip as { port: number }).port = this.server.ports.udp!;
    this.adminUrl = String(this.server.lines.find((l) => l.msg === 'admin listening')?.url);
    // The first one as the README shows it; the rest in one CSV import (a CLI process each is slow).
    const [first, ...rest] = p.subscribers;
    await this.cli(['subscriber', 'add', `${first.username}@${BASIC_DOMAIN}`, '--password', first.password]);
    const csv = join(dir, 'subscribers.csv');
    writeFileSync(csv, rest.map((s) => `${s.username},${BASIC_DOMAIN},${s.password}\n`).join(''));
    await this.cli(['subscriber', 'import', csv]);
    for (const cidr of p.trusted) await this.cli(['address', 'add', cidr, '--group', '1']);
  }

  private async cli(args: string[]): Promise<string> {
    const run = await runCli(args, {
      KEMI_WASM_SERVER: this.adminUrl,
      KEMI_WASM_TOKEN: OPERATOR_TOKEN,
      KEMI_WASM_TENANT: 'default',
    });
    if (run.code !== 0)
      throw new Error(`kemi-wasm ${args.join(' ')}: ${run.code} ${run.stderr}${run.stdout}`);
    return run.stdout;
  }

  async accRows(table: 'acc' | 'missed_calls'): Promise<AccRow[]> {
    const out = await this.cli(['acc', '--json', ...(table === 'missed_calls' ? ['--missed'] : [])]);
    const { records } = JSON.parse(out) as { records: AccRecord[] };
    return records.map(({ extra, ...r }) => ({ ...r, ...extra }) as unknown as AccRow);
  }

  log(): string {
    return (this.server?.lines ?? []).map((l) => JSON.stringify(l)).join('\n');
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}
