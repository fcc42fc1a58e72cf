// A client of rtpengine's "ng" control protocol: each command is `<cookie> <bencoded dict>` in one UDP
// datagram, the reply `<cookie> <bencoded dict>` with the same cookie. With Kamailio's rtpengine module
// semantics (rtpengine_sock, rtpengine_tout_ms, rtpengine_retr, rtpengine_disable_tout): a command is sent
// up to `retr` times, `toutMs` apart, to one instance chosen by weight; an instance that never answered is
// disabled for `disableToutS` seconds and the command goes to the next enabled one. Commands of one call
// stay on the instance that took its first command (rtpengine keeps the call's state), unless it died.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { fail, ok, type Problem, type Result } from '../result.ts';
import { type BDict, decode, encode } from './bencode.ts';

export interface NgInstance {
  readonly host: string;
  readonly port: number;
  /** Share of the calls this instance takes, relative to the others' weights (Kamailio's `=weight`). */
  readonly weight: number;
}

export interface NgSettings {
  readonly instances: readonly NgInstance[];
  /** Wait for a reply to one send, in ms (Kamailio's rtpengine_tout_ms) [1000]. */
  readonly toutMs: number;
  /** Sends of one command to one instance (Kamailio's rtpengine_retr) [5]. */
  readonly retr: number;
  /** Seconds an instance that did not answer is left out (Kamailio's rtpengine_disable_tout) [60]. */
  readonly disableToutS: number;
  /** Commands waiting for a reply at once; more are refused (a dead relay cannot pile up state). */
  readonly maxPending: number;
  /** Calls remembered with their instance; the oldest is forgotten past this. */
  readonly maxCalls: number;
}

export const NG_DEFAULTS: Omit<NgSettings, 'instances'> = {
  toutMs: 1000,
  retr: 5,
  disableToutS: 60,
  maxPending: 1000,
  maxCalls: 100_000,
};

export type NgProblem = 'no-instance' | 'timeout' | 'busy' | 'error-reply' | 'bad-reply';

/** What a command came to: the reply dictionary (result "ok" or "pong"), or why there is none. */
export type NgOutcome = Result<BDict, Problem<NgProblem>>;

interface Pending {
  readonly resolve: (reply: BDict | string) => void;
}

/** Replies are ng dictionaries of a few kB (an SDP); a datagram cannot exceed this anyway. */
const MAX_REPLY_BYTES = 65_535;

export class NgClient {
  readonly #settings: NgSettings;
  readonly #now: () => number;
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  /** Until when (ms on #now's scale) each instance is disabled. */
  readonly #disabledUntil = new Map<NgInstance, number>();
  /** Call-ID -> the instance that took the call, oldest first. */
  readonly #calls = new Map<string, NgInstance>();
  readonly #cookiePrefix = randomBytes(4).toString('hex');
  #sequence = 0;
  #closed = false;

  constructor(settings: NgSettings, now: () => number = () => performance.now()) {
    this.#settings = settings;
    this.#now = now;
    this.#socket = createSocket('udp4');
    this.#socket.on('message', (bytes) => this.#onMessage(bytes));
    this.#socket.on('error', () => {});
    this.#socket.bind(0);
    this.#socket.unref();
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** Whether a command for `callId` has an enabled instance to go to now. */
  available(callId: string): boolean {
    return !this.#closed && this.#select(callId, new Set()) !== undefined;
  }

  /** Whether `instance` is left out now, after it did not answer. */
  disabled(instance: NgInstance): boolean {
    const until = this.#disabledUntil.get(instance);
    return until !== undefined && until > this.#now();
  }

  /**
   * Sends `command` for the call `callId` and waits for its reply, failing over to the next enabled
   * instance when one does not answer. Never rejects.
   */
  async command(callId: string, command: BDict): Promise<NgOutcome> {
    if (this.#closed) return fail('no-instance', 'the rtpengine client is closed');
    if (this.#pending.size >= this.#settings.maxPending)
      return fail('busy', `${this.#settings.maxPending} rtpengine commands already wait for a reply`);
    const tried = new Set<NgInstance>();
    for (;;) {
      const instance = this.#select(callId, tried);
      if (instance === undefined) {
        return fail(
          'no-instance',
          tried.size === 0
            ? 'no rtpengine instance is enabled'
            : `no rtpengine instance answered (${tried.size} tried)`,
        );
      }
      tried.add(instance);
      const reply = await this.#exchange(instance, command);
      if (reply === undefined) {
        this.#disabledUntil.set(instance, this.#now() + this.#settings.disableToutS * 1000);
        if (this.#calls.get(callId) === instance) this.#calls.delete(callId);
        continue;
      }
      if (typeof reply === 'string') return fail('bad-reply', reply);
      this.#remember(callId, instance, command.command === 'delete');
      const result = reply.result;
      if (result === 'ok' || result === 'pong') return ok(reply);
      const reason = typeof reply['error-reason'] === 'string' ? reply['error-reason'] : String(result);
      return fail('error-reply', `rtpengine answered ${String(result)}: ${reason}`);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#pending.values()) p.resolve('the rtpengine client closed');
    this.#pending.clear();
    this.#socket.close();
  }

  /** The call's instance while it is enabled, else one by weight among the enabled ones not yet tried. */
  #select(callId: string, tried: ReadonlySet<NgInstance>): NgInstance | undefined {
    const sticky = this.#calls.get(callId);
    if (sticky !== undefined && !tried.has(sticky) && !this.disabled(sticky)) return sticky;
    const candidates = this.#settings.instances.filter((i) => !tried.has(i) && !this.disabled(i));
    const total = candidates.reduce((sum, i) => sum + i.weight, 0);
    if (total <= 0) return undefined;
    // By the Call-ID's hash, as Kamailio's default selection: the same call picks the same instance.
    let point = hash(callId) % total;
    for (const instance of candidates) {
      if (point < instance.weight) return instance;
      point -= instance.weight;
    }
    return candidates[candidates.length - 1];
  }

  #remember(callId: string, instance: NgInstance, deleted: boolean): void {
    this.#calls.delete(callId);
    if (deleted) return;
    this.#calls.set(callId, instance);
    if (this.#calls.size > this.#settings.maxCalls) {
      const oldest = this.#calls.keys().next().value;
      if (oldest !== undefined) this.#calls.delete(oldest);
    }
  }

  /** Up to `retr` sends of one cookie to `instance`: the reply, an error text, or undefined (no answer). */
  #exchange(instance: NgInstance, command: BDict): Promise<BDict | string | undefined> {
    const cookie = `${this.#cookiePrefix}_${(this.#sequence++).toString(36)}`;
    const datagram = Buffer.concat([Buffer.from(`${cookie} `, 'latin1'), encode(command)]);
    return new Promise((resolve) => {
      let sends = 0;
      let timer: NodeJS.Timeout | undefined;
      const done = (reply: BDict | string | undefined) => {
        clearTimeout(timer);
        this.#pending.delete(cookie);
        resolve(reply);
      };
      const send = () => {
        if (sends++ >= this.#settings.retr) {
          done(undefined);
          return;
        }
        this.#socket.send(datagram, instance.port, instance.host, () => {});
        timer = setTimeout(send, this.#settings.toutMs);
      };
      this.#pending.set(cookie, { resolve: done });
      send();
    });
  }

  #onMessage(bytes: Buffer): void {
    if (bytes.length > MAX_REPLY_BYTES) return;
    const space = bytes.indexOf(0x20);
    if (space <= 0) return;
    const pending = this.#pending.get(bytes.toString('latin1', 0, space));
    if (pending === undefined) return; // a late reply to a command already answered or given up
    const decoded = decode(bytes.subarray(space + 1));
    const value = decoded.ok ? decoded.value : undefined;
    if (!decoded.ok) pending.resolve(`rtpengine's reply does not decode: ${decoded.error}`);
    else if (typeof value !== 'object' || Array.isArray(value))
      pending.resolve("rtpengine's reply is not a dictionary");
    else pending.resolve(value);
  }
}

/** FNV-1a over the Call-ID's bytes. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
