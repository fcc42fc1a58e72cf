// Record-Route values this proxy inserts (RFC 3261 16.6 step 4, 16.12.1), shaped as Kamailio's rr module
// writes them: `<sip:ADDR:PORT;lr;ftag=FROMTAG...>`, with the listener the request leaves from. When the
// request changes transport or interface, two entries go in (Kamailio's double record-routing): the
// outbound listener on top, the inbound one below, both marked r2=on so loose-route removes the pair.
import type { Proto } from '../transport/index.ts';
import { hostPort } from './next-hop.ts';

/**
 * The transport parameter of an entry, as Kamailio's rr writes it: none for UDP, `transport=ws` for both
 * WebSocket flavours (RFC 7118 5.2 has no wss value; the connection is found by address either way).
 */
const RR_TRANSPORT: Record<Proto, string> = {
  udp: '',
  tcp: ';transport=tcp',
  tls: ';transport=tls',
  ws: ';transport=ws',
  wss: ';transport=ws',
};

/** What the script asked for with record-route, record-route-preset and add-rr-param. */
export interface RecordRouteRequest {
  /** URI parameters for our entries, as ";name=value" runs. */
  params: string;
  /** record-route-preset: "host[:port][;params]" for the entry (and the inbound one, second). */
  preset: readonly string[] | undefined;
}

/** A listener as the Record-Route URI names it. */
export interface Interface {
  readonly proto: Proto;
  readonly address: string;
  readonly port: number;
}

/** The values to insert, top first. */
export function recordRouteValues(
  rr: RecordRouteRequest,
  inbound: Interface,
  outbound: Interface,
  fromTag: string | undefined,
): string[] {
  const tail = `;lr${fromTag === undefined ? '' : `;ftag=${escapeParam(fromTag)}`}${rr.params}`;
  if (rr.preset) return rr.preset.map((address) => `<sip:${address}${tail}>`);
  const same =
    inbound.proto === outbound.proto &&
    inbound.address === outbound.address &&
    inbound.port === outbound.port;
  const entry = (i: Interface, r2: boolean) =>
    `<sip:${hostPort(i.address, i.port)}${RR_TRANSPORT[i.proto]}${r2 ? ';r2=on' : ''}${tail}>`;
  return same ? [entry(outbound, false)] : [entry(outbound, true), entry(inbound, true)];
}

// A From tag is a token; URI parameter values allow fewer characters (paramchar): escape the rest.
function escapeParam(value: string): string {
  return value.replace(
    /[^A-Za-z0-9\-_.!~*'()[\]/:&+$]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
