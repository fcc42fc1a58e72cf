// TLS on top of TCP sockets, both ways, with a deadline: the server side of an accepted socket (tls: and
// wss: listeners share it, so certificates, SNI, client verification and reload behave the same), and the
// client side of an outbound connection to a next hop, verified against the configured CA set.
import { isIP, type Socket } from 'node:net';
import { type TLSSocket, TLSSocket as TlsSocketClass, connect as tlsConnect } from 'node:tls';
import { err, ok, type Result } from '../result.ts';
import type { Endpoint } from './endpoint.ts';
import { type ConnectError, connectTcp } from './tcp-connect.ts';
import type { TlsContexts } from './tls-contexts.ts';

/** Why a handshake failed: the OpenSSL/Node code and whether it was certificate verification. */
export interface HandshakeError extends ConnectError {
  readonly reason: string;
  readonly verify: boolean;
}

/** Node's codes for a peer certificate that does not verify (chain, name, dates). */
const VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Runs the server side of a handshake on an accepted socket; the TLSSocket once secure, else the error. */
export function secureInbound(
  socket: Socket,
  contexts: TlsContexts,
  spec: string,
  timeoutMs: number,
): Promise<Result<TLSSocket, HandshakeError>> {
  const verifyClient = contexts.settings.verifyClient;
  const tls = new TlsSocketClass(socket, {
    isServer: true,
    secureContext: contexts.serverContext(spec, undefined),
    SNICallback: (name, done) => done(null, contexts.serverContext(spec, name)),
    requestCert: verifyClient,
    rejectUnauthorized: verifyClient,
    ...(verifyClient && contexts.ca ? { ca: contexts.ca } : {}),
  });
  return settle(tls, 'secure', timeoutMs);
}

/**
 * Opens TCP to `remote` and runs the client side of TLS. `servername` (a host name) goes in SNI and is the
 * name the certificate must carry; without one the certificate must name the IP address. `verify` false
 * accepts any certificate (config `tls.verify_next_hop = false`; never for sips:).
 */
export async function connectTls(
  remote: Endpoint,
  from: string | undefined,
  servername: string | undefined,
  contexts: TlsContexts | undefined,
  verify: boolean,
  timeoutMs: number,
  abort: AbortSignal,
): Promise<Result<TLSSocket, HandshakeError>> {
  const started = Date.now();
  const tcp = await connectTcp(remote, from, timeoutMs, abort);
  if (!tcp.ok) return err({ ...tcp.error, reason: tcp.error.systemCode, verify: false });
  const name = servername !== undefined && isIP(servername) === 0 ? servername : undefined;
  const tls = tlsConnect({
    socket: tcp.value,
    ...(name === undefined ? {} : { servername: name }),
    rejectUnauthorized: verify,
    // The client certificate (for peers that verify clients) with the CA set; else just the CAs.
    ...(contexts?.clientContext
      ? { secureContext: contexts.clientContext }
      : contexts?.ca
        ? { ca: contexts.ca }
        : {}),
    // Without a name, the certificate must carry the IP as a subjectAltName (RFC 5922 7.2 asks for names;
    // an IP next hop has none to check).
    ...(name === undefined ? { checkServerIdentity: checkIp(remote.address) } : {}),
  });
  return settle(tls, 'secureConnect', Math.max(1, timeoutMs - (Date.now() - started)));
}

function checkIp(address: string) {
  return (_host: string, cert: { subjectaltname?: string }): Error | undefined => {
    const sans = (cert.subjectaltname ?? '').split(',').map((s) => s.trim());
    if (sans.includes(`IP Address:${address}`)) return undefined;
    const error = new Error(
      `certificate does not name IP ${address} (subjectAltName: ${cert.subjectaltname ?? 'none'})`,
    );
    (error as NodeJS.ErrnoException).code = 'ERR_TLS_CERT_ALTNAME_INVALID';
    return error;
  };
}

function settle(
  tls: TLSSocket,
  event: 'secure' | 'secureConnect',
  timeoutMs: number,
): Promise<Result<TLSSocket, HandshakeError>> {
  return new Promise((resolve) => {
    const finish = (result: Result<TLSSocket, HandshakeError>) => {
      clearTimeout(timer);
      tls.off(event, onSecure);
      tls.off('error', onError);
      tls.off('close', onClose);
      tls.on('error', () => {}); // the connection object logs its own errors from here
      if (!result.ok) tls.destroy();
      resolve(result);
    };
    const onSecure = () => finish(ok(tls));
    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERR_SSL';
      finish(
        err({ systemCode: code, timedOut: false, reason: error.message, verify: VERIFY_CODES.has(code) }),
      );
    };
    // A peer that closes before the handshake ends emits no error on the server side: without this the
    // deadline timer would run on (and hold the process at shutdown).
    const onClose = () =>
      finish(
        err({
          systemCode: 'ECONNRESET',
          timedOut: false,
          reason: 'closed during the handshake',
          verify: false,
        }),
      );
    const timer = setTimeout(
      () =>
        finish(
          err({ systemCode: 'ETIMEDOUT', timedOut: true, reason: 'handshake timed out', verify: false }),
        ),
      timeoutMs,
    );
    tls.once(event, onSecure);
    tls.once('error', onError);
    tls.once('close', onClose);
  });
}
