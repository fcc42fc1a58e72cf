// What listeners and connections share with the Transport that owns them.
import type { Logger } from 'pino';
import type { LogLimiter } from '../log-limit.ts';
import type { TransportCounters } from './counters.ts';
import type { Endpoint, Proto } from './endpoint.ts';
import type { TransportLimits } from './limits.ts';
import type { Source } from './source.ts';
import type { FramingError } from './stream-framer.ts';

export interface TransportContext {
  readonly limits: TransportLimits;
  readonly counters: TransportCounters;
  readonly log: Logger;
  /** Every line a peer can cause once per message or connection goes through it. */
  readonly logLimit: LogLimiter;
  /** Hands a received message to the caller; a throwing handler is logged, never propagated. */
  deliver(bytes: Buffer, source: Source): void;
  /** Reports a stream that cannot be framed, before its connection is closed. */
  framingError(error: FramingError, source: Source): void;
  /** Told of every message handed to a socket (the message trace); undefined when nothing listens. */
  tap: WireTap | undefined;
}

/** Sees the bytes of every message as it is written to a socket, once. */
export interface WireTap {
  sent(bytes: Buffer, proto: Proto, local: Endpoint, remote: Endpoint): void;
}
