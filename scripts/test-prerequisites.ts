// Runs before the test suite: the e2e tests need SIPp, Debian's Rust toolchain for wasm32, rtpengine,
// Kamailio 5.6 with Lua and SQLite (the reference target of the basic-script suite, test/e2e/basic) and
// Debian's chromium (the admin page and WebRTC tests drive it with puppeteer-core, which downloads no
// browser) and the openssl CLI (the TLS tests make a throwaway CA and certificates with it).
// As root it installs what is missing; otherwise it stops with the exact command to run. It never lets
// the suite start without them, so no test is silently skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

interface Prerequisite {
  what: string;
  present: () => boolean;
  packages: string[];
}

const onPath = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

const prerequisites: Prerequisite[] = [
  { what: 'SIPp (sipp)', present: () => onPath('sipp'), packages: ['sip-tester'] },
  {
    what: "Debian's rustc and cargo (/usr/bin/rustc, /usr/bin/cargo)",
    present: () => existsSync('/usr/bin/rustc') && existsSync('/usr/bin/cargo'),
    packages: ['rustc', 'cargo'],
  },
  {
    what: 'the Rust standard library for wasm32-unknown-unknown',
    present: () => existsSync('/usr/lib/rustlib/wasm32-unknown-unknown'),
    packages: ['libstd-rust-dev-wasm32'],
  },
  {
    what: 'the rtpengine media relay (/usr/bin/rtpengine)',
    present: () => existsSync('/usr/bin/rtpengine'),
    packages: ['rtpengine-daemon'],
  },
  {
    what: 'Kamailio (/usr/sbin/kamailio and its basic KEMI example)',
    present: () =>
      existsSync('/usr/sbin/kamailio') &&
      existsSync('/usr/share/doc/kamailio/examples/kemi/kamailio-basic-kemi-lua.lua'),
    packages: ['kamailio'],
  },
  {
    what: "Kamailio's Lua engine (app_lua)",
    present: () => existsSync('/usr/lib/x86_64-linux-gnu/kamailio/modules/app_lua.so'),
    packages: ['kamailio-lua-modules'],
  },
  {
    what: "Kamailio's SQLite driver and schema (db_sqlite)",
    present: () =>
      existsSync('/usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so') &&
      existsSync('/usr/share/kamailio/db_sqlite/standard-create.sql'),
    packages: ['kamailio-sqlite-modules'],
  },
  {
    what: "Debian's chromium (/usr/bin/chromium) for the admin page and WebRTC tests",
    present: () => existsSync('/usr/bin/chromium'),
    packages: ['chromium'],
  },
  {
    what: 'the openssl CLI (the TLS tests make their certificates with it at test time)',
    present: () => onPath('openssl'),
    packages: ['openssl'],
  },
];

const missing = prerequisites.filter((p) => !p.present());
if (missing.length > 0) {
  const packages = missing.flatMap((p) => p.packages);
  const command = `apt-get install -y ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need ${missing.map((p) => p.what).join(', ')}.\nInstall with: sudo ${command}`);
    process.exit(1);
  }
  console.log(`Installing test prerequisites: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('sh', ['-c', `apt-get update -qq && ${command}`], { stdio: 'inherit', env });
  const still = missing.filter((p) => !p.present());
  if (still.length > 0) {
    console.error(`Still missing after install: ${still.map((p) => p.what).join(', ')}`);
    process.exit(1);
  }
}
