// Runs before the test suite: the e2e tests need SIPp, Debian's Rust toolchain for wasm32, rtpengine and Kamailio.
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
    what: 'Kamailio (kamailio), which the dispatcher fidelity e2e runs beside kemi-wasm',
    present: () => onPath('kamailio') || existsSync('/usr/sbin/kamailio'),
    packages: ['kamailio'],
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
