// The reference target: Kamailio 5.6 (Debian's kamailio, kamailio-lua-modules, kamailio-sqlite-modules)
// running the basic KEMI cfg and Lua script as shipped, copied to a temporary directory with the few text
// substitutions below (docs/kamailio-basic.md lists and explains each): db_sqlite for db_mysql, rtpengine
// for rtpproxy (cfg and Lua), the Lua's path. Every define is on (the cfg defines WITH_MYSQL, WITH_AUTH,
// WITH_IPAUTH, WITH_USRLOCDB, WITH_NAT, WITH_ANTIFLOOD and WITH_ACCDB itself; -A adds WITH_CFGLUA and
// DBURL); -l puts it on one loopback UDP port and --alias gives it the suite's domain (the cfg's
// commented-out alias line). Started in the foreground (-DD -E), stopped by its PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { freePort } from '../../../fixtures/sipp.ts';
import { type AccRow, BASIC_DOMAIN, type Provisioning, type Target } from './target.ts';

export const KAMAILIO_BIN = '/usr/sbin/kamailio';
const EXAMPLES = '/usr/share/doc/kamailio/examples/kemi';
const SCHEMA = '/usr/share/kamailio/db_sqlite';

/** [shipped text, replacement] pairs applied to the copied cfg; each must match exactly once. */
export function cfgSubstitutions(luaPath: string, ngPort: number): [string, string][] {
  return [
    ['loadmodule "db_mysql.so"', 'loadmodule "db_sqlite.so"'],
    ['loadmodule "rtpproxy.so"', 'loadmodule "rtpengine.so"'],
    [
      'modparam("rtpproxy", "rtpproxy_sock", "udp:127.0.0.1:7722")',
      `modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:${ngPort}")`,
    ],
    ['"/usr/local/etc/kamailio/kamailio-basic-kemi-lua.lua"', `"${luaPath}"`],
  ];
}

/** The same for the copied Lua script: natmanage asks rtpengine, as the ports do. */
export const LUA_SUBSTITUTIONS: [string, string][] = [
  ['if not KSR.rtpproxy then', 'if not KSR.rtpengine then'],
  ['KSR.rtpproxy.rtpproxy_manage("co");', 'KSR.rtpengine.rtpengine_manage("co");'],
];

function substitute(text: string, pairs: [string, string][], file: string): string {
  let out = text;
  for (const [from, to] of pairs) {
    const count = out.split(from).length - 1;
    if (count !== 1) throw new Error(`${file}: "${from}" occurs ${count} times, expected once`);
    out = out.replace(from, to);
  }
  return out;
}

/** The columns the cfg's header comment (ACCDB_COMMENT) has added to acc and missed_calls. */
const EXTRA_COLUMNS = ['src_user', 'src_domain', 'src_ip', 'dst_ouser', 'dst_user', 'dst_domain'];

/** A fresh sqlite database with Kamailio's tables for the cfg's modules and the provisioned rows. */
function createDatabase(path: string, p: Provisioning, domain: string): void {
  const db = new DatabaseSync(path);
  try {
    // db_sqlite sets no busy timeout: in the default rollback journal, a read (auth_db) that meets a write
    // (usrloc's timer, acc) fails at once with "database is locked". WAL (kept in the file) lets readers and
    // the writer pass each other, as MySQL's row locking would.
    db.exec('PRAGMA journal_mode=WAL');
    for (const module of ['standard', 'acc', 'auth_db', 'permissions', 'usrloc'])
      db.exec(readFileSync(join(SCHEMA, `${module}-create.sql`), 'utf8'));
    for (const table of ['acc', 'missed_calls'])
      for (const column of EXTRA_COLUMNS)
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} VARCHAR(128) NOT NULL DEFAULT ''`);
    // auth_db: calculate_ha1 yes, password_column "password": the plain password.
    const sub = db.prepare('INSERT INTO subscriber (username, domain, password) VALUES (?, ?, ?)');
    for (const s of p.subscribers) sub.run(s.username, domain, s.password);
    const addr = db.prepare('INSERT INTO address (grp, ip_addr, mask, port) VALUES (1, ?, ?, 0)');
    for (const cidr of p.trusted) {
      const [ip, mask = '32'] = cidr.split('/');
      addr.run(ip, Number(mask));
    }
  } finally {
    db.close();
  }
}

/** An OPTIONS keepalive (no user: the script answers "200 Keepalive") answered within `ms`. */
async function answersKeepalive(port: number, ms: number): Promise<boolean> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const local = socket.address().port;
    const end = Date.now() + ms;
    for (let i = 0; Date.now() < end; i++) {
      const answered = new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 300);
        socket.once('message', (m) => {
          clearTimeout(t);
          resolve(m.toString('latin1').startsWith('SIP/2.0 200'));
        });
      });
      const text = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};rport;branch=z9hG4bK-ready-${i}`,
        'Max-Forwards: 70',
        'From: <sip:ready@127.0.0.1>;tag=ready',
        'To: <sip:127.0.0.1>',
        `Call-ID: ready-${local}-${i}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(text, port, '127.0.0.1');
      if (await answered) return true;
    }
    return false;
  } finally {
    socket.close();
  }
}

export class KamailioTarget implements Target {
  readonly name = 'kamailio' as const;
  readonly sip = { address: '127.0.0.1', port: 0 };
  private child: ChildProcess | undefined;
  private output = '';
  private dbPath = '';

  async start(p: Provisioning): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-kamailio-basic-'));
    const luaPath = join(dir, 'kamailio-basic-kemi-lua.lua');
    const cfgPath = join(dir, 'kamailio-basic-kemi.cfg');
    this.dbPath = join(dir, 'kamailio.sqlite');
    writeFileSync(
      luaPath,
      substitute(
        readFileSync(join(EXAMPLES, 'kamailio-basic-kemi-lua.lua'), 'utf8'),
        LUA_SUBSTITUTIONS,
        luaPath,
      ),
    );
    writeFileSync(
      cfgPath,
      substitute(
        readFileSync(join(EXAMPLES, 'kamailio-basic-kemi.cfg'), 'utf8'),
        cfgSubstitutions(luaPath, p.rtpengine.ngPort),
        cfgPath,
      ),
    );
    createDatabase(this.dbPath, p, BASIC_DOMAIN);
    // Kamailio takes its port from the command line: a free one, again if another process took it first.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const runDir = join(dir, `run-${attempt}`);
      mkdirSync(runDir);
      if (await this.launch(cfgPath, runDir, port)) {
        (this.sip as { port: number }).port = port;
        return;
      }
      if (attempt === 5) throw new Error(`kamailio did not start:\n${this.output}`);
    }
  }

  private async launch(cfgPath: string, runDir: string, port: number): Promise<boolean> {
    this.output = '';
    const child = spawn(
      KAMAILIO_BIN,
      [
        '-f',
        cfgPath,
        '-DD',
        '-E',
        '-Y',
        runDir,
        '-l',
        `udp:127.0.0.1:${port}`,
        `--alias=${BASIC_DOMAIN}`,
        '-A',
        'WITH_CFGLUA',
        '-A',
        `DBURL="sqlite://${this.dbPath}"`,
        '-m',
        '64',
        '-M',
        '8',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (d) => (this.output += d));
    child.stderr?.on('data', (d) => (this.output += d));
    this.child = child;
    if (await answersKeepalive(port, 10_000)) return true;
    await this.stop();
    return false;
  }

  async accRows(table: 'acc' | 'missed_calls'): Promise<AccRow[]> {
    const db = new DatabaseSync(this.dbPath, { readOnly: true });
    try {
      return db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as unknown as AccRow[];
    } finally {
      db.close();
    }
  }

  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    const killer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}
