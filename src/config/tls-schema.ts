// Configuration of TLS: the `tls` section. Certificates for tls: and wss: listeners (per listen spec, per
// SNI name), the CA files trusted for next hops and client certificates, and whether each side is verified.
// Files are PEM paths, read at start and again on SIGHUP (docs/transports.md).
import { z } from 'zod';
import type { TlsSettings } from '../transport/tls-contexts.ts';

const certificate = z
  .object({
    /** PEM certificate file (leaf first, then its chain). */
    certificate: z.string().min(1),
    /** PEM private key file. */
    key: z.string().min(1),
    /** Listen specs (as written in `listen`) this certificate serves; absent: every tls:/wss: listener. */
    listen: z.array(z.string()).optional(),
    /** SNI names it is chosen for (`*.example.com` allowed); absent: the default of its listeners. */
    domains: z.array(z.string().regex(/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/)).optional(),
  })
  .strict();

export const tlsSchema = z
  .object({
    certificates: z.array(certificate).default([]),
    /** PEM CA files added to the trusted set (next hops, client certificates). */
    ca: z.array(z.string().min(1)).default([]),
    /** Keep the system (Node's bundled) CAs besides `ca`. */
    system_ca: z.boolean().default(true),
    /** Ask TLS/WSS clients for a certificate and refuse the handshake when it does not verify against `ca`. */
    verify_client: z.boolean().default(false),
    /** Verify the certificate of TLS next hops; sips: next hops are verified whatever this says. */
    verify_next_hop: z.boolean().default(true),
  })
  .strict()
  .default({ certificates: [], ca: [], system_ca: true, verify_client: false, verify_next_hop: true });

export type TlsConfig = z.infer<typeof tlsSchema>;

export function tlsSettings(tls: TlsConfig): TlsSettings {
  return {
    certificates: tls.certificates,
    ca: tls.ca,
    systemCa: tls.system_ca,
    verifyClient: tls.verify_client,
    verifyServer: tls.verify_next_hop,
  };
}
