// What the basic-script suite (suite.ts) needs from a server under test: Kamailio 5.6 running the original
// Lua script (kamailio-target.ts) or `kemi-wasm serve` running a port of it (kemi-wasm-target.ts). The
// suite starts the rtpengine and hands it over; the target provisions subscribers and trusted addresses
// its own way and reads the accounting rows back from its own store.
import type { RunningRtpengine } from '../../../fixtures/rtpengine.ts';

/**
 * The SIP domain of the suite's subscribers: the alias the cfg has commented out (`#alias="sip.mydomain.com"`),
 * given to Kamailio with --alias and listed in guest-examples/basic/kemi.toml's `domains`. Phones address
 * the domain, not the server's IP and port.
 */
export const BASIC_DOMAIN = 'sip.mydomain.com';

/** A local subscriber (auth_db `subscriber` row, domain = the SIP domain). */
export interface Subscriber {
  readonly username: string;
  readonly password: string;
}

/** What the suite provisions before the first request. */
export interface Provisioning {
  readonly subscribers: readonly Subscriber[];
  /** permissions `address` rows of group 1 (allow_source_address(1)), as "IP/mask". */
  readonly trusted: readonly string[];
  /** The media relay the route's rtpengine_manage must use. */
  readonly rtpengine: RunningRtpengine;
}

/** One accounting row, the columns of Kamailio's acc/missed_calls tables with the basic cfg's extras. */
export interface AccRow {
  readonly method: string;
  readonly from_tag: string;
  readonly to_tag: string;
  readonly callid: string;
  readonly sip_code: string;
  readonly sip_reason: string;
  readonly src_user: string;
  readonly src_domain: string;
  readonly src_ip: string;
  readonly dst_ouser: string;
  readonly dst_user: string;
  readonly dst_domain: string;
}

export type TargetName = 'kamailio' | 'assemblyscript' | 'rust';

export interface Target {
  readonly name: TargetName;
  /** Starts the server with everything provisioned; resolves once it answers SIP. */
  start(provisioning: Provisioning): Promise<void>;
  /** The SIP address (UDP) the server listens on. */
  readonly sip: { readonly address: string; readonly port: number };
  /** The rows of `acc` or `missed_calls`, oldest first. */
  accRows(table: 'acc' | 'missed_calls'): Promise<AccRow[]>;
  /** What the server logged so far (for a failing case's message). */
  log(): string;
  /** Stops every process it started, by PID. */
  stop(): Promise<void>;
}
