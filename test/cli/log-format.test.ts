// The log form of `kemi-wasm serve`: JSON lines when stdout is piped, pino-pretty's lines on a terminal
// (a real pseudo-terminal made by util-linux `script`), and --log-format forcing either.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveLogFormat } from '../../src/logger.ts';

const bin = fileURLToPath(new URL('../../bin/kemi-wasm.js', import.meta.url));
const serve = [bin, 'serve', '--listen', 'udp:127.0.0.1:0'];

/** Without the terminal's color sequences. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is removed.
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** The processes `pid` started (from /proc). */
function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Sends `sig` to `pid` unless it is gone. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {}
}

/** Runs `command` in its own process group until its output shows the server is ready; the output then. */
function untilReady(command: string, args: string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`not ready in 60 s: ${output}`)), 60_000);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      // `script` runs the server in a session of its own, out of this process group, and the server takes
      // the hang-up of its terminal as a certificate reload (SIGHUP): the server is stopped by its own PID,
      // then `script`'s group. A server whose terminal is gone may not finish its stop (seen with JSON logs
      // on the closed terminal): it is killed after 5 s, so no test leaves a server behind.
      const servers = childrenOf(child.pid!);
      for (const pid of servers) signal(pid, 'SIGTERM');
      signal(-child.pid!, 'SIGTERM');
      child.once('exit', () => {
        setTimeout(() => {
          for (const pid of servers) signal(pid, 'SIGKILL');
          if (error) reject(error);
          else resolve(output);
        }, 5000);
      });
    };
    const take = (d: Buffer) => {
      output += d.toString();
      if (/"msg":"ready"|INFO: ready\r?\n/.test(plain(output))) finish();
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
  });
}

/** `args` run under a pseudo-terminal: the server's stdout is a TTY. */
const onTerminal = (args: string[]) =>
  untilReady('script', ['-qfec', [process.execPath, ...args].map((a) => `'${a}'`).join(' '), '/dev/null']);

/** The server's lines (`script` adds a line of its own when it is stopped). */
const jsonLines = (output: string) =>
  output
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('Session terminated'))
    .map((l) => JSON.parse(l) as { msg: string; level: string });

describe('log format', () => {
  it('auto is pretty on a terminal, JSON otherwise; json and pretty are kept', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('serve logs JSON lines when stdout is piped', async () => {
    const lines = jsonLines(await untilReady(process.execPath, serve));
    expect(lines.find((l) => l.msg === 'ready')).toMatchObject({ level: 'info', msg: 'ready' });
  }, 90_000);

  it('serve logs human-readable lines on a terminal', async () => {
    const output = plain(await onTerminal(serve));
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: ready\r?$/m);
    expect(() => jsonLines(output)).toThrow();
  }, 90_000);

  it('--log-format json on a terminal and --log-format pretty when piped', async () => {
    const json = jsonLines(await onTerminal([...serve, '--log-format', 'json']));
    expect(json.some((l) => l.msg === 'ready')).toBe(true);
    const pretty = plain(await untilReady(process.execPath, [...serve, '--log-format', 'pretty']));
    expect(pretty).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: ready$/m);
    expect(() => jsonLines(pretty)).toThrow();
  }, 90_000);
});
