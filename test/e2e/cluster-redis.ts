// A real redis-server for the cluster e2e tests: its own process on a free loopback port, no persistence
// (`--save '' --appendonly no`: a restart starts empty, as a Redis without persistence does), stopped by
// its PID. Nothing of the Debian package's own service is used.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../../fixtures/sipp.ts';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /**
   * Stops it answering without closing a connection (SIGSTOP): a Redis hung or cut off by the network, where
   * a command sent waits for its answer rather than failing. thaw() (SIGCONT) lets it go on.
   */
  freeze(): void;
  thaw(): void;
  /** Sends one command (inline protocol) and returns the raw answer. */
  command(...args: string[]): Promise<string>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if ((await command(port, 'PING').catch(() => '')).startsWith('+PONG')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    // A frozen one (freeze()) takes the SIGTERM once it runs again.
    running.kill('SIGCONT');
    const kill = setTimeout(() => running.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    stop,
    restart: start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    command: (...args) => command(port, ...args),
  };
}

/** One command over RESP, its whole answer (read until the socket is quiet for a moment). */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let quiet: NodeJS.Timeout | undefined;
    socket.on('error', reject);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      clearTimeout(quiet);
      quiet = setTimeout(() => socket.end(), 30);
    });
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
  });
}
