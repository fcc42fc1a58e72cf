// HEPv3 (the Homer Encapsulation Protocol, sipcapture.org): one captured SIP message as a "HEP3" header
// and chunks, each chunk vendor id (0: generic), type id, length (header included), value, big-endian.
// The chunks are those Kamailio's siptrace sends: address family (1), IP protocol (2), IPv4 or IPv6
// source and destination (3/4 or 5/6), ports (7/8), time in seconds and microseconds (9/10), payload
// type 1 = SIP (11), capture agent id (12), the payload (15), and a node name (19) telling tenants apart.
import { isIP } from 'node:net';
import type { Endpoint, Proto } from '../transport/index.ts';

/** The 16-bit length field bounds a HEP packet. */
export const MAX_HEP_BYTES = 0xffff;

export interface HepCapture {
  readonly proto: Proto;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  /** Epoch milliseconds, fractional. */
  readonly time: number;
  readonly captureId: number;
  readonly nodeName?: string;
  readonly payload: Buffer;
}

const AF_INET = 2;
const AF_INET6 = 10;

/** The HEP packet of `capture`, or undefined when it would not fit the 16-bit length. */
export function encodeHep3(capture: HepCapture): Buffer | undefined {
  const v6 = isIP(capture.source.address) === 6 || isIP(capture.destination.address) === 6;
  const node = capture.nodeName ? Buffer.from(capture.nodeName, 'utf8') : undefined;
  const addressChunk = v6 ? 6 + 16 : 6 + 4;
  const length =
    6 + // "HEP3" + length
    (6 + 1) * 2 + // family, protocol
    addressChunk * 2 +
    (6 + 2) * 2 + // ports
    (6 + 4) * 2 + // seconds, microseconds
    (6 + 1) + // payload type
    (6 + 4) + // capture id
    (node ? 6 + node.length : 0) +
    6 +
    capture.payload.length;
  if (length > MAX_HEP_BYTES) return undefined;
  const out = Buffer.allocUnsafe(length);
  out.write('HEP3', 0, 'latin1');
  out.writeUInt16BE(length, 4);
  let at = 6;
  const head = (type: number, size: number) => {
    out.writeUInt16BE(0, at);
    out.writeUInt16BE(type, at + 2);
    out.writeUInt16BE(6 + size, at + 4);
    at += 6;
  };
  head(1, 1);
  out.writeUInt8(v6 ? AF_INET6 : AF_INET, at++);
  head(2, 1);
  out.writeUInt8(capture.proto === 'tcp' ? 6 : 17, at++);
  for (const [type, endpoint] of [
    [v6 ? 5 : 3, capture.source],
    [v6 ? 6 : 4, capture.destination],
  ] as const) {
    head(type, v6 ? 16 : 4);
    addressBytes(endpoint.address, v6).copy(out, at);
    at += v6 ? 16 : 4;
  }
  head(7, 2);
  out.writeUInt16BE(capture.source.port, at);
  at += 2;
  head(8, 2);
  out.writeUInt16BE(capture.destination.port, at);
  at += 2;
  const seconds = Math.floor(capture.time / 1000);
  head(9, 4);
  out.writeUInt32BE(seconds >>> 0, at);
  at += 4;
  head(10, 4);
  out.writeUInt32BE(Math.min(999_999, Math.floor((capture.time - seconds * 1000) * 1000)), at);
  at += 4;
  head(11, 1);
  out.writeUInt8(1, at++);
  head(12, 4);
  out.writeUInt32BE(capture.captureId >>> 0, at);
  at += 4;
  if (node) {
    head(19, node.length);
    node.copy(out, at);
    at += node.length;
  }
  head(15, capture.payload.length);
  capture.payload.copy(out, at);
  return out;
}

/** An address as 4 or 16 bytes: an IPv4 address in an IPv6 capture is mapped (::ffff:a.b.c.d). */
function addressBytes(address: string, v6: boolean): Buffer {
  const family = isIP(address);
  if (!v6) return family === 4 ? Buffer.from(address.split('.').map(Number)) : Buffer.alloc(4);
  if (family === 4)
    return Buffer.concat([
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]),
      addressBytes(address, false),
    ]);
  if (family !== 6) return Buffer.alloc(16);
  return ipv6Bytes(address);
}

function ipv6Bytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  let text = address.split('%')[0];
  // A trailing dotted quad (::ffff:192.0.2.1) is two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const b = quad[1].split('.').map(Number);
    text = `${text.slice(0, -quad[1].length)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) =>
    part ? part.split(':').map((g) => Number.parseInt(g, 16)) : [];
  const head = groups(left);
  const tail = groups(right);
  const all =
    right === undefined ? head : [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  all.forEach((g, i) => {
    out.writeUInt16BE(g & 0xffff, i * 2);
  });
  return out;
}
